"""Qt-free annotations: the user's highlights and notes, stored safely and re-anchored.

What the window and the command line use:
- `session`: the annotations of one open document, every change one transaction (`undo`);
- `placement`: opening a document's annotations, re-anchoring them, importing a file;
- `anchoring` (with `fuzzy`): re-finding an annotation in a text that changed;
- `exchange`: W3C JSON-LD and Markdown, in and out of files;
- `model`: what an annotation is.

The store, from the top down:
- `store`: `AnnotationStore`, the one door to the database;
- `documents`: which document a file is; `importing`: merging imported annotations;
- `rows`: an annotation row, its checksum, and reading and writing it;
- `transaction`: the write transaction every writer uses; `errors`: what can go wrong;
- `opening`: start-up (check, repair, upgrade, connect, or read-only); `recovery`: repairing a
  damaged database; `rescue`: rows salvaged from it; `files`: the database's files on disk;
- `schema`: the numbered migrations; `integrity`: the complete check; `backups`: verified,
  rotated copies.
"""
