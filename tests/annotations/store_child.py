"""A child process for the store's fault tests: it writes, and says what it was told is saved.

Run as `python -m tests.annotations.store_child MODE DATA_DIR ...`. Every line it prints is one
JSON object, flushed at once, so a parent that kills it with SIGKILL knows exactly which
operations were acknowledged (their transaction had committed) before it died.

Modes:
  churn DATA_DIR SEED          add annotations in a tight loop, sometimes update, delete or
                               restore earlier ones; an "intent" line before each operation and
                               an "ack" line with the resulting state after it
  set-field DATA_DIR ID FIELD N   set one field (note, colour or tags) of one annotation N times
  add DATA_DIR PREFIX N        add N annotations
                               (both start once the parent writes "go" on stdin)
  fill DATA_DIR LIMIT          cap file sizes at LIMIT bytes (RLIMIT_FSIZE, SIGXFSZ ignored),
                               then add annotations until saving fails
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from reader.annotations import backups
from reader.annotations.model import Annotation, Colour, annotate
from reader.annotations.store import AnnotationStore, StoreError

TEXT = "满纸荒唐言，一把辛酸泪。都云作者痴，谁解其中味？𠀀𠀁" * 40
DOCUMENTS = ("doc-alpha", "doc-beta")
COLOURS = list(Colour)


def state_of(annotation: Annotation, deleted: bool) -> dict[str, object]:
    """Everything about a stored annotation, as plain JSON values."""
    return {
        "id": annotation.id,
        "document_id": annotation.document_id,
        "fingerprint": annotation.fingerprint,
        "orphan": annotation.orphan,
        "exact": annotation.quote.exact,
        "prefix": annotation.quote.prefix,
        "suffix": annotation.quote.suffix,
        "start": annotation.start,
        "end": annotation.end,
        "colour": annotation.colour.value,
        "note": annotation.note,
        "tags": list(annotation.tags),
        "created": annotation.created,
        "modified": annotation.modified,
        "revision": annotation.revision,
        "deleted": deleted,
    }


def backup_now(store: AnnotationStore) -> Path:
    """A verified backup of the store's database, made now as start-up makes them; its path."""
    return backups.make_backup(store._connection(), store.path.parent / "backups")[0]


def say(**fields: object) -> None:
    sys.stdout.write(json.dumps(fields, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def new_annotation(rng: random.Random, serial: str) -> Annotation:
    start = rng.randrange(0, len(TEXT) - 20)
    document = rng.choice(DOCUMENTS)
    return annotate(
        TEXT,
        document,
        document,
        start,
        start + rng.randrange(1, 20),
        colour=rng.choice(COLOURS),
        note=f"note {serial} <b>粗体</b> *强调*" + "字" * rng.randrange(0, 400),
        tags=(f"tag{rng.randrange(5)}",),
    )


def churn(store: AnnotationStore, seed: int) -> None:
    rng = random.Random(seed)
    known: dict[str, bool] = {}  # id -> deleted
    for document in DOCUMENTS:
        known.update((a.id, False) for a in store.annotations(document))
        known.update((a.id, True) for a in store.trash(document))
    ids = sorted(known)
    serial = 0
    while True:
        serial += 1
        roll = rng.random()
        if roll < 0.6 or not ids:
            annotation = new_annotation(rng, f"{seed}-{serial}")
            say(intent="add", id=annotation.id, fields=state_of(annotation, False))
            stored, deleted = store.add(annotation), False
            ids.append(stored.id)
        elif roll < 0.85:
            target = rng.choice(ids)
            note, colour = f"edited {seed}-{serial}", rng.choice(COLOURS)
            say(intent="update", id=target, fields={"note": note, "colour": colour.value})
            stored, deleted = store.update(target, note=note, colour=colour), known[target]
        elif roll < 0.95:
            target = rng.choice(ids)
            say(intent="delete", id=target, fields={"deleted": True})
            stored, deleted = store.delete(target), True
        else:
            target = rng.choice(ids)
            say(intent="restore", id=target, fields={"deleted": False})
            stored, deleted = store.restore(target), False
        known[stored.id] = deleted
        say(ack=True, id=stored.id, state=state_of(stored, deleted))


def wait_for_go() -> None:
    """Start writing when the parent says "go" on stdin, once every child has opened the store,
    so that two children really write at the same time."""
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("the parent went away without saying go")


def set_field(store: AnnotationStore, annotation_id: str, field: str, count: int) -> None:
    wait_for_go()
    for i in range(count):
        if field == "note":
            store.update(annotation_id, note=f"note {i}")
        elif field == "colour":
            store.update(annotation_id, colour=COLOURS[i % len(COLOURS)])
        else:
            store.update(annotation_id, tags=(f"tag {i}",))
    say(done=count)


def add_many(store: AnnotationStore, prefix: str, count: int) -> None:
    rng = random.Random(prefix)
    wait_for_go()
    for i in range(count):
        store.add(new_annotation(rng, f"{prefix}-{i}"))
    say(done=count)


def fill(store: AnnotationStore, limit: int) -> None:
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    rng = random.Random(limit)
    for serial in range(100_000):
        annotation = new_annotation(rng, str(serial))
        try:
            stored = store.add(annotation)
        except StoreError as error:
            readable = sum(len(store.annotations(d)) for d in DOCUMENTS)
            try:
                store.add(new_annotation(rng, "again"))
                again = "saved"
            except StoreError as second:
                again = type(second).__name__
            say(failed=type(error).__name__, message=str(error), readable=readable, again=again)
            return
        say(ack=True, id=stored.id, state=state_of(stored, False))


def main(arguments: list[str]) -> int:
    mode, data_dir = arguments[0], Path(arguments[1])
    store = AnnotationStore.open(data_dir)
    say(opened=True, messages=list(store.report.messages), read_only=store.read_only)
    try:
        if mode == "churn":
            churn(store, int(arguments[2]))
        elif mode == "set-field":
            set_field(store, arguments[2], arguments[3], int(arguments[4]))
        elif mode == "add":
            add_many(store, arguments[2], int(arguments[3]))
        elif mode == "fill":
            fill(store, int(arguments[2]))
        else:
            raise SystemExit(f"unknown mode {mode}")
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
