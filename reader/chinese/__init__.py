"""Qt-free help for reading Chinese: dictionary look-up, pinyin readings, and the display
transforms (Simplified/Traditional, full-width punctuation) that never change the text.

Every transform here maps one code point to one code point of the same UTF-16 width, so a
canonical offset means the same character before and after it: selection, highlights, search
hits, notes and export all keep working on the canonical text.
"""
