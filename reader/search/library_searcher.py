"""Answering a query over the whole library: through the index where it is up to date, by
scanning where it is not.

Each document the index holds with its current fingerprint is answered from the index (its
candidate chunks verified paragraph by paragraph by the exact scan, so hits and offsets are
exact, and ranked by the scan's hit counts, as a scanned document is); every other
document is loaded and scanned. So a query is answered completely and exactly at every moment:
before the first build, during it (the documents done so far come from the index), after a
file changed, and when the index is damaged or gone. Notes are taken from the index when it
holds every note as it is now, and scanned otherwise (they are few and short).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from reader.document.errors import DocumentError
from reader.document.model import ParagraphKind
from reader.search.folded import FoldedDocument, holds, occurrences
from reader.search.folding import fold
from reader.search.library_analysis import whoosh_query
from reader.search.library_index import (
    Candidate,
    ChunkCandidates,
    LibraryIndex,
    LibraryIndexError,
)
from reader.search.library_model import (
    DocumentHits,
    HitKind,
    IndexedDocument,
    IndexedNote,
    LibraryHit,
    LibraryResult,
    LoadDocument,
)
from reader.search.query import ParsedQuery, parse_query
from reader.search.results import ELLIPSIS, SNIPPET_AFTER, SNIPPET_BEFORE

DEFAULT_LIMIT = 200
"""Paragraphs with hits found per query at most: candidate chunks are verified a document at a
time in turn (the documents with the most candidate chunks first) until that many paragraphs
have hits; titles, headings and notes are always all verified."""
SCAN_CACHE_CHARACTERS = 40_000_000
"""Folded documents kept in memory for scanning, in characters (about 160 MB at most)."""
_KINDS = {"title": HitKind.TITLE, "heading": HitKind.HEADING, "text": HitKind.TEXT}


class LibrarySearcher:
    """Answers library queries; one per process, used from one thread at a time."""

    def __init__(self, cache_dir: Path | None, load: LoadDocument) -> None:
        self._cache_dir = cache_dir
        self._load = load
        self._index: LibraryIndex | None = None
        self._folded: dict[str, FoldedDocument] = {}
        self._cached_characters = 0

    def search(
        self,
        text: str,
        documents: Sequence[IndexedDocument],
        notes: Sequence[IndexedNote],
        limit: int | None = DEFAULT_LIMIT,
    ) -> LibraryResult:
        """Answer `text` (the in-document query language) over `documents` and `notes`."""
        query = parse_query(text)
        if query.is_empty:
            return LibraryResult(text, (), True, False, "Nothing to search.")
        by_id = {document.document_id: document for document in documents}
        live_notes = {note.annotation_id: note for note in notes}
        whoosh = whoosh_query(query)
        index, indexed, indexed_notes, problem = self._index_state()
        in_index = {key for key, doc in by_id.items() if indexed.get(key) == doc.fingerprint}
        notes_in_index = all(indexed_notes.get(k) == n.digest for k, n in live_notes.items())
        if whoosh is None or index is None:
            in_index, notes_in_index = set(), False
        hits: list[LibraryHit] = []
        complete = True
        if in_index or notes_in_index:
            assert index is not None and whoosh is not None
            try:
                small, chunks = index.candidates(whoosh)
                from_index: list[LibraryHit] = []
                for candidate in small:
                    if candidate.kind == "note":
                        note = live_notes.get(candidate.annotation_id)
                        if notes_in_index and note is not None:
                            from_index.extend(_note_hits(note, query, candidate.score))
                    elif candidate.document_id in in_index:
                        from_index.extend(_candidate_hits(candidate, query))
                wanted = [group for group in chunks if group.document_id in in_index]
                complete = _verify_chunks(index, wanted, query, limit, from_index)
                hits.extend(from_index)
            except LibraryIndexError as error:
                self.forget_index()
                in_index, notes_in_index, problem = set(), False, str(error)
                hits, complete = [], True
        unreadable = 0
        for key, document in by_id.items():
            if key not in in_index:
                unreadable += not self._scan_document(document, query, hits)
        if not notes_in_index:
            for note in live_notes.values():
                if holds(fold(note.searchable), query):
                    hits.extend(_note_hits(note, query, 1.0))
        groups = _grouped(hits, by_id)
        scanned = len(by_id) - len(in_index)
        explained = _explain(scanned, len(by_id), unreadable, problem)
        return LibraryResult(text, groups, complete, bool(in_index), explained)

    def forget_index(self) -> None:
        """Close the index (it is opened again for the next query)."""
        if self._index is not None:
            self._index.close()
            self._index = None

    def _index_state(
        self,
    ) -> tuple[LibraryIndex | None, dict[str, str], dict[str, object], str]:
        """The open index, its documents' fingerprints and its notes' digests; or why not."""
        if self._cache_dir is None:
            return None, {}, {}, "No cache directory: searching without an index."
        try:
            if self._index is None:
                self._index = LibraryIndex.open(self._cache_dir)
            manifest = self._index.manifest()
            return self._index, self._index.indexed_fingerprints(), manifest["notes"], ""
        except LibraryIndexError as error:
            self.forget_index()
            return None, {}, {}, str(error)

    def _scan_document(
        self, document: IndexedDocument, query: ParsedQuery, hits: list[LibraryHit]
    ) -> bool:
        """Add `document`'s hits found by scanning its text; False when it cannot be read."""
        folded = self._folded.get(document.document_id)
        if folded is None or folded.document.fingerprint != document.fingerprint:
            try:
                folded = FoldedDocument(self._load(document))
            except (DocumentError, OSError):
                return False
            if self._cached_characters + len(folded.text) <= SCAN_CACHE_CHARACTERS:
                self._folded[document.document_id] = folded
                self._cached_characters += len(folded.text)
        key = document.document_id
        if holds(fold(document.title), query):
            title = Candidate("title", key, 0, "", document.title, "", 1.0)
            hits.extend(_candidate_hits(title, query))
        text = folded.document
        toc = text.toc()
        for number in folded.scan(query):
            paragraph = text.paragraphs[number]
            body = text.text[paragraph.start : paragraph.end]
            kind = "heading" if paragraph.kind is ParagraphKind.HEADING else "text"
            score = float(sum(folded.paragraph(number).count(t) for t in query.required))
            section = toc[text.toc_index_at(paragraph.start)].title
            found = Candidate(kind, key, paragraph.start, section, body, "", score)
            hits.extend(_candidate_hits(found, query, folded.paragraph(number)))
        return True


def _verify_chunks(
    index: LibraryIndex,
    groups: list[ChunkCandidates],
    query: ParsedQuery,
    limit: int | None,
    hits: list[LibraryHit],
) -> bool:
    """Add the hits of the candidate chunks' text paragraphs (headings are candidates of their
    own), a chunk of each document in turn, until `limit` paragraphs have hits; whether every
    candidate was verified."""
    found = 0
    for turn in range(max((len(group.numbers) for group in groups), default=0)):
        for group in groups:
            if turn >= len(group.numbers):
                continue
            if limit is not None and found >= limit:
                return False
            chunk = index.chunk(group.file, group.numbers[turn])
            folded = fold(chunk.text)
            if not all(term in folded for term in query.required):
                continue
            for paragraph in chunk.paragraphs:
                body = folded[paragraph.start - chunk.start : paragraph.end - chunk.start]
                if paragraph.heading or not holds(body, query):
                    continue
                score = float(sum(body.count(term) for term in query.required))
                text = chunk.body(paragraph)
                found_in = Candidate(
                    "text", group.document_id, paragraph.start, paragraph.section, text, "", score
                )
                hits.extend(_candidate_hits(found_in, query, body))
                found += 1
    return True


def _candidate_hits(
    candidate: Candidate, query: ParsedQuery, folded_body: str | None = None
) -> list[LibraryHit]:
    """The hits in a title or paragraph that holds the query (none when it does not)."""
    folded = fold(candidate.body) if folded_body is None else folded_body
    if not holds(folded, query):
        return []
    kind = _KINDS[candidate.kind]
    phrase = any(p in folded for p in query.phrases)
    tier = 0 if kind is not HitKind.TEXT else 1 if phrase else 2
    hits = []
    for start, end in occurrences(folded, query.required):
        snippet, match_start, match_end = _snippet(candidate.body, start, end)
        title_hit = kind is HitKind.TITLE
        hits.append(
            LibraryHit(
                kind,
                candidate.document_id,
                0 if title_hit else candidate.start + start,
                0 if title_hit else candidate.start + end,
                candidate.section,
                snippet,
                match_start,
                match_end,
                tier,
                candidate.score,
            )
        )
        if title_hit:
            break
    return hits


def _note_hits(note: IndexedNote, query: ParsedQuery, score: float) -> list[LibraryHit]:
    """One hit for a note that holds the query: its quote, note or tags, the match marked."""
    body = note.searchable
    folded = fold(body)
    if not holds(folded, query):
        return []
    start, end = occurrences(folded, query.required)[0]
    snippet, match_start, match_end = _snippet(body.replace("\n", " "), start, end)
    return [
        LibraryHit(
            HitKind.NOTE,
            note.document_id,
            note.start,
            note.end,
            "",
            snippet,
            match_start,
            match_end,
            1 if any(p in folded for p in query.phrases) else 2,
            score,
            annotation_id=note.annotation_id,
            note=note.note,
            colour=note.colour,
        )
    ]


def _snippet(text: str, start: int, end: int) -> tuple[str, int, int]:
    """An excerpt of `text` around [start, end), and where the match lies in it."""
    left = max(0, start - SNIPPET_BEFORE)
    right = min(len(text), end + SNIPPET_AFTER)
    prefix = ELLIPSIS if left > 0 else ""
    suffix = ELLIPSIS if right < len(text) else ""
    match_start = len(prefix) + start - left
    return prefix + text[left:right] + suffix, match_start, match_start + end - start


def _grouped(
    hits: Iterable[LibraryHit], documents: dict[str, IndexedDocument]
) -> tuple[DocumentHits, ...]:
    """Hits grouped by document; groups and the hits in each best first."""
    groups: dict[str, DocumentHits] = {}
    for hit in hits:
        document = documents.get(hit.document_id)
        if document is not None:
            groups.setdefault(hit.document_id, DocumentHits(document)).hits.append(hit)
    for group in groups.values():
        group.hits.sort(key=lambda hit: (hit.tier, -hit.score, hit.start, hit.kind.value))
    return tuple(sorted(groups.values(), key=lambda g: (*g.rank, g.document.title)))


def _explain(scanned: int, total: int, unreadable: int, problem: str) -> str:
    """Why the answer came the way it did, when it was not simply from the index."""
    parts = []
    if problem:
        parts.append(problem)
    if scanned:
        parts.append(f"{scanned} of {total} documents scanned until the library index is ready.")
    if unreadable:
        parts.append(f"{unreadable} documents could not be read.")
    return " ".join(parts)
