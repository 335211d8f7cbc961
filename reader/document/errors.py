"""Why a file could not become a document, in words a reader understands.

Every failure to open a file is one of these; the window shows `str(error)` and the command
line prints it to stderr. Nothing else about bad input may escape the document layer.
"""

from __future__ import annotations


class DocumentError(Exception):
    """A file could not be opened as a document; the message is meant for the user."""


class FileMissingError(DocumentError):
    """The path does not exist."""


class NotAFileError(DocumentError):
    """The path is a directory or a device, not a regular file."""


class UnreadableFileError(DocumentError):
    """The operating system refused to let us read the file."""


class EmptyDocumentError(DocumentError):
    """The file holds no text at all (or only whitespace)."""


class BinaryFileError(DocumentError):
    """The bytes are an image, a program or another non-text format."""


class UndecodableError(DocumentError):
    """The bytes are text-like but valid in none of the supported encodings."""


class FileTooLargeError(DocumentError):
    """The file is bigger than the reader will load into memory and lay out."""
