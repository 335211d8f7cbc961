"""The names of the formats highlights are imported from, apart from their parsers, so the
command line can offer them (``--from``) without loading any of them."""

W3C = "w3c"
FORMATS = ("kindle", "koreader", "calibre", "foliate", "hypothesis", W3C)
"""What `--from` accepts; W3C files keep their own importer (`w3c_import`)."""
