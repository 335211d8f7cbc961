"""The library: the catalogue of every document the user reads (Qt-free).

- `catalogue`: `Library` and its `Entry` rows: list, add, remove, locate a missing file.
- `adding`: reading files for the library and saving them in batches, with a report.
- `walking`: finding the text files under a folder, each once, whatever links it holds.
"""
