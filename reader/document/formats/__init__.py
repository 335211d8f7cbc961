"""Structured formats (EPUB, HTML, Markdown) -> the same canonical `Document` as plain text.

Each format turns its file into `Block`s (headings, paragraphs, list items, quotes, code, table
rows, figures) whose texts, joined by ``\\n``, are the canonical text; offsets, search,
annotations and export then work exactly as on a text file. Nothing here trusts the file:
archives are read within caps, XML without DTDs or entities, and nothing outside the book (or,
for HTML and Markdown, outside the file's folder) is ever read.
"""
