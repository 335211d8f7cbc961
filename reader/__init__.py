"""reader: a calm desktop reader for Chinese texts, with search and annotations."""

__version__ = "0.1.0"
