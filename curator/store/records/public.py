"""Public-comment files: streaming import of a regulations.gov bulk CSV, answers, mappings.

One file per comment, `public-comments/<docket>/<tracking-number>.toml`, written in canonical
form atomically (write_many for an import, write_atomic for one answer or mapping). The CSV is
read one record at a time, so its size does not matter.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from curator.core import public, records
from curator.core.ids import CONTROL_ID, DOCKET_ID, TRACKING_NUMBER
from curator.core.inert import first_unsafe
from curator.core.model import Manifest, Member, PublicComment
from curator.core.problems import CuratorError, InvalidValue, Problem
from curator.store import processes
from curator.store.formats import validate
from curator.store.formats.atomic import (
    ChangedOnDisk,
    WriteFailed,
    digest,
    write_atomic,
    write_many,
)
from curator.store.formats.files import open_regular, read_regular
from curator.store.formats.read import MAX_BYTES, conflict_marker, read
from curator.store.formats.write import render

FOLDER = "public-comments"
KIND = "public-comment"
MAX_FIELD = 8 * 1024 * 1024  # bounds one CSV field in memory; the schema's limits are lower
KEPT_PROBLEMS = 1000  # a file of bad rows must not fill memory with messages
# files that share one flush to disk: an fsync per file made a 50,000-row import ~7x slower
BATCH = 2000
BATCH_BYTES = 2 * 1024 * 1024  # and at most this much text a batch: a few are held at a time
IN_FLIGHT = 2  # batches handed to the helper and not yet written
HELD = 4  # batches written or being written whose answer is not yet taken
NOT_UTF8 = re.compile("[\udc80-\udcff]")  # what surrogateescape made of an invalid byte


@dataclass
class Imported:
    """What an import did; problems name the CSV line of each row not imported."""

    source: str
    dockets: set[str] = field(default_factory=set)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # rows that are not public submissions (notices, supporting material)
    earlier_text: int = 0  # comments updated whose answer was given to the text replaced
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0
    refused: int = 0  # rows not imported
    # rows of a docket other than the one imported, by docket: (the first one's line, rows)
    foreign: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def refuse(self, line: int, code: str, message: str) -> None:
        self.refused += 1
        if len(self.problems) < KEPT_PROBLEMS:
            self.problems.append(Problem(self.source, line, "", code, message))
        else:
            self.more_problems += 1

    def refuse_foreign(self, docket: str, line: int) -> None:
        """A row of another docket: reported once per docket, when the import ends."""
        self.refused += 1
        first, rows = self.foreign.get(docket, (line, 0))
        self.foreign[docket] = (first, rows + 1)

    def as_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "dockets": sorted(self.dockets),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "answers_to_earlier_text": self.earlier_text,
            "other_dockets": {d: rows for d, (_, rows) in sorted(self.foreign.items())},
            "problems": [p.as_json() for p in self.problems],
            "more_problems": self.more_problems,
        }


def control_ids(root: Path) -> frozenset[str]:
    """The controls comments can map to: the control files' names (load enforces id == name)."""
    folder = root / "controls"
    if not folder.is_dir():
        return frozenset()
    return frozenset(p.stem for p in folder.glob("*.toml") if CONTROL_ID.match(p.stem))


def read_manifest(root: Path) -> Manifest | None:
    """list.toml alone: writing one comment file needs the members, not the whole list."""
    try:
        raw = read_regular(root / "list.toml", MAX_BYTES)
    except OSError:
        return None
    got = read("list", "list.toml", raw)
    return None if got.data is None else records.manifest_from(got.data)


def import_csv(root: Path, source: Path, docket: str | None = None) -> Imported:
    """Import a bulk-download CSV. Unchanged comments are not touched, changed ones rewritten
    (keeping the committee's mapping and answer), rows that cannot be used are reported.

    The rows imported are those of `docket`, else of the list's docket (rows of any docket
    when the list has none); `docket` also fills an empty or missing "Docket ID"."""
    if docket is not None:
        public.check_docket(docket)
    listed = read_manifest(root)
    wanted = docket or (listed.docket.id if listed is not None and listed.docket else None)
    known = control_ids(root)
    result = Imported(str(source))
    csv.field_size_limit(MAX_FIELD)
    try:
        # a regular file only: a pipe's name would wait for a writer, /dev/zero never end
        raw = open_regular(source)
    except FileNotFoundError:
        raise InvalidValue(f"{source}: no such file") from None
    except OSError as err:
        raise InvalidValue(f"{source}: cannot read: {err.strerror}") from None
    # surrogateescape: an invalid byte becomes a marker we report with its line, instead of
    # an exception that would end the import at that row
    with io.TextIOWrapper(
        raw, encoding="utf-8-sig", errors="surrogateescape", newline=""
    ) as stream:
        # strict: a stray quote is reported at its row instead of swallowing every row after it
        rows = csv.reader(_lines(stream), strict=True)
        try:
            header = next(rows)
        except StopIteration:
            raise CuratorError(f"{source}: the file is empty; nothing was imported") from None
        except csv.Error as err:
            raise CuratorError(f"{source}:1: not a CSV header: {err}") from None
        if _bad_byte(header) is not None:
            raise CuratorError(f"{source}:1: the header is not valid UTF-8; nothing was imported")
        columns = public.columns_of(header, docket is not None)
        importer = _Importer(root, result, known, docket, wanted, columns, tuple(header))
        writes = importer.writes(_records(rows, result))
        for outcomes in _written(writes):
            importer.settle(outcomes)
    which = f"the docket named, {docket}" if docket else f"the list's docket, {wanted}"
    for other, (first, count) in result.foreign.items():
        rows_of = f"{count} rows" if count > 1 else "1 row"
        message = f"{rows_of} of docket '{other}' (the first here) not imported: not {which}"
        result.problems.append(Problem(str(source), first, "", "other-docket", message))
    result.problems.sort(key=lambda p: p.line or 0)
    return result


def _lines(stream: io.TextIOBase) -> Iterator[str]:
    """The lines of `stream`, one longer than a field may be cut in pieces: a file of one
    endless line is read a piece at a time (its records are refused), never whole."""
    while line := stream.readline(MAX_FIELD + 1):
        yield line


def _written(writes: Iterator[Write]) -> Iterator[list[CuratorError | None]]:
    """`write_many`'s answer for each batch of `writes`, in order; a batch shares one flush to
    disk. With more than one batch, a helper process writes them while the next ones are made:
    creating a file is the system's work, about as long as making it. While IN_FLIGHT
    batches wait for the helper (a flush to disk waits for the whole machine's writes), the
    next is written here, each process writing its own files. (A thread would not do: it waits
    for the interpreter lock after every call to the system.) Should the helper die, its
    batches and the rest are written here; a file it had placed is then reported as changed,
    not overwritten."""
    batches = _batches(writes)
    ahead = list(islice(batches, 2))
    if len(ahead) < 2 or not processes.can_fork():  # one batch: nothing to overlap
        for batch in chain(ahead, batches):
            yield write_many(batch)
        return
    with processes.pool(1) as helper:
        writing: deque[tuple[list[Write], Future | None]] = deque()
        for batch in chain(ahead, batches):
            while writing and (_ready(writing[0][1]) or len(writing) > HELD):
                yield _taken(*writing.popleft())
            if sum(1 for _, future in writing if not _ready(future)) < IN_FLIGHT:
                writing.append(_hand(helper, batch))
            else:
                writing.append((batch, _written_here(batch)))
        while writing:
            yield _taken(*writing.popleft())


def _batches(writes: Iterator[Write]) -> Iterator[list[Write]]:
    batch: list[Write] = []
    size = 0
    for write in writes:
        batch.append(write)
        size += len(write[1])
        if len(batch) == BATCH or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _hand(helper: ProcessPoolExecutor, batch: list[Write]) -> tuple[list[Write], Future | None]:
    try:
        return batch, helper.submit(write_many, batch)
    except BrokenProcessPool:
        return batch, None


def _ready(writing: Future | None) -> bool:
    """Whether a batch's answer can be taken without waiting for the helper."""
    return writing is None or writing.done()


def _written_here(batch: list[Write]) -> Future:
    done: Future = Future()
    done.set_result(write_many(batch))
    return done


def _taken(batch: list[Write], writing: Future | None) -> list[CuratorError | None]:
    if writing is not None:
        with contextlib.suppress(BrokenProcessPool):
            return writing.result()
    return write_many(batch)


def _records(rows: Any, result: Imported) -> Iterator[tuple[list[str], int]]:
    """Each non-empty record of a csv.reader with the line it starts on (the reader's line_num
    is where a record ends); a record that is not CSV is reported."""
    end = rows.line_num
    while True:
        line = end + 1
        try:
            fields = next(rows)
        except StopIteration:
            return
        except csv.Error as err:
            result.refuse(line, "bad-csv", f"not a CSV record: {err}; row not imported")
            continue
        finally:
            end = rows.line_num
        if fields:
            yield fields, line


Write = tuple[Path, bytes, str | None]


@dataclass
class _Importer:
    root: Path
    result: Imported
    known: frozenset[str]
    docket: str | None  # named for the import
    wanted: str | None  # the docket whose rows are imported
    columns: public.Columns
    header: tuple[str, ...]
    # line, file, new, its answer now given to an earlier text
    pending: list[tuple[int, str, bool, bool]] = field(default_factory=list)
    folders: dict[str, tuple[Path, dict[str, bool]]] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)  # tracking number: first line

    def writes(self, records: Iterable[tuple[list[str], int]]) -> Iterator[Write]:
        """The files to write for these records, each noted in `pending` until settled."""
        for fields, line in records:
            write = self.row(fields, line)
            if write is not None:
                yield write

    def row(self, fields: list[str], line: int) -> Write | None:
        result, columns = self.result, self.columns
        if len(fields) != columns.width:
            message = f"row has {len(fields)} fields, the header has {columns.width}"
            result.refuse(line, "bad-row", f"{message}; not imported")
            return None
        joined = " ".join(fields)  # one pass over the row for what is nearly never there
        bad = None if joined.isascii() else _bad_byte(fields)
        if bad is not None:
            column, offset = bad
            message = f"not valid UTF-8 (column '{self.header[column]}'); row not imported"
            result.refuse(line + offset, "not-utf8", message)
            return None
        row = columns.row(fields)
        if not public.is_comment(row):
            result.skipped += 1
            return None
        why = public.refusal(row, self.docket)
        if why is not None:
            result.refuse(line, "bad-row", f"{why}; row not imported")
            return None
        other = public.foreign_docket(row, self.wanted)
        if other is not None:
            result.refuse_foreign(other, line)
            return None
        first = self.seen.setdefault(row.tracking_number, line)
        if first != line:
            message = f"tracking number {row.tracking_number} already imported from line {first}"
            result.refuse(line, "duplicate-row", message)
            return None
        # the text of a new comment is the row's, trimmed, and ids: a row no terminal acts on
        # makes a comment no terminal acts on (the fields are joined by a blank, so that a CR
        # ending one is still seen as alone)
        plain = first_unsafe(joined) is None
        return self.write(row, self.docket or row.docket, line, plain)

    def write(self, row: public.ExportRow, docket: str, line: int, plain: bool) -> Write | None:
        """The file to write for `row`; `plain`: no field of the row holds a character a
        terminal acts on."""
        result = self.result
        if docket not in self.folders:
            folder = _docket_folder(self.root, docket)
            self.folders[docket] = folder, _entries(folder)
        result.dockets.add(docket)
        folder, entries = self.folders[docket]
        name = f"{row.tracking_number}.toml"
        path = folder / name
        rel = f"{FOLDER}/{docket}/{name}"
        if entries.get(name):  # the loader does not follow links either
            result.refuse(line, "broken-file", f"{rel} is a link; left untouched")
            return None
        raw: bytes | None = None
        outdated = False
        if name in entries:  # a file that was not there when the import began is new
            try:
                raw = read_regular(path, MAX_BYTES)
            except FileNotFoundError:
                pass
            except OSError as err:
                result.refuse(line, "broken-file", f"{rel}: {err.strerror}; left untouched")
                return None
        # most rows of a re-import are unchanged comments nobody has answered or mapped yet:
        # their file holds exactly what the row renders to, which spares parsing it
        data = records.public_comment_to(public.imported(row, docket, self.known, None))
        issues = validate.validate(KIND, data, plain=plain)
        text = None if issues else render(KIND, data).encode("utf-8")
        if raw is not None and raw == text and _sound(raw):
            result.unchanged += 1
            return None
        if raw is not None:
            before, prior = _usable(rel, raw)
            if prior is None:
                message = f"{rel} is broken (run `curator check`); left untouched"
                result.refuse(line, "broken-file", message)
                return None
            comment = public.imported(row, docket, self.known, prior)
            outdated = comment.body != prior.body and public.answers_earlier_text(comment)
            data = records.public_comment_to(comment)
            if data == before:  # same content: untouched, even if a person laid it out by hand
                result.unchanged += 1
                return None
            issues = validate.validate(KIND, data)
            text = None if issues else render(KIND, data, raw.decode("utf-8")).encode("utf-8")
        if text is None:
            result.refuse(line, "bad-row", f"{issues[0][2]}; row not imported")
            return None
        if len(text) > MAX_BYTES:
            result.refuse(line, "bad-row", f"comment is over {MAX_BYTES:,} bytes; not imported")
            return None
        self.pending.append((line, rel, raw is None, outdated))
        return path, text, digest(raw)

    def settle(self, outcomes: list[CuratorError | None]) -> None:
        """Count the written files of the pending rows; report the ones not written."""
        result = self.result
        # the first rows pending are the batch written: the next may be made already
        done, self.pending = self.pending[: len(outcomes)], self.pending[len(outcomes) :]
        for (line, rel, new, outdated), outcome in zip(done, outcomes, strict=True):
            if isinstance(outcome, ChangedOnDisk):
                message = f"{rel} changed on disk meanwhile; not overwritten"
                result.refuse(line, "changed-on-disk", message)
            elif isinstance(outcome, WriteFailed):
                result.refuse(line, "unwritable", f"{rel}: cannot write: {outcome.reason}")
            elif new:
                result.created += 1
            else:
                result.updated += 1
                result.earlier_text += outdated


def _entries(folder: Path) -> dict[str, bool]:
    """The names in a docket folder, each with whether it is a link; one listing, not a look
    per row, tells a first import it has no file to read."""
    try:
        with os.scandir(folder) as found:
            return {e.name: e.is_symlink() for e in found}
    except FileNotFoundError:
        return {}


def _sound(raw: bytes) -> bool:
    """Bytes the loader takes as they are: the checks of read() that a rendered text can fail."""
    if len(raw) > MAX_BYTES:
        return False
    return conflict_marker(raw) is None


def _bad_byte(fields: Sequence[str]) -> tuple[int, int] | None:
    """(column, lines into the record) of the first byte that was not UTF-8."""
    offset = 0
    for column, value in enumerate(fields):
        bad = NOT_UTF8.search(value)
        if bad is not None:
            return column, offset + value.count("\n", 0, bad.start())
        offset += value.count("\n")
    return None


def _docket_folder(root: Path, docket: str) -> Path:
    """The folder of a docket id already matched against DOCKET_ID; it must stay in the list."""
    folder = root / FOLDER / docket
    if not folder.resolve().is_relative_to(root.resolve()):
        raise CuratorError(f"{FOLDER}/{docket} leads outside the list folder; nothing written")
    return folder


def _usable(rel: str, raw: bytes) -> tuple[dict[str, Any] | None, PublicComment | None]:
    """The data and comment a file holds, when it is valid and is the comment its path names."""
    data = read(KIND, rel, raw).data
    if data is None:
        return None, None
    comment = records.public_comment_from(data, rel)
    _, docket, name = rel.split("/")
    if (comment.docket, f"{comment.tracking_number}.toml") != (docket, name):
        return None, None
    return data, comment


# ---- one comment: answer, map ---------------------------------------------------------------


@dataclass(frozen=True)
class PublicCommentEdit:
    """A public comment before and after an answer or a mapping; `file` is relative to the
    list."""

    file: str
    before: PublicComment
    after: PublicComment


def comment_file(root: Path, tracking_number: str) -> str:
    """The file of a comment, found by its tracking number in any docket folder."""
    if not TRACKING_NUMBER.match(tracking_number):
        raise InvalidValue(
            f"'{tracking_number}' is not a valid tracking number (like abc-1234-wxyz)"
        )
    base = root / FOLDER
    found = (
        sorted(
            f"{FOLDER}/{d.name}/{tracking_number}.toml"
            for d in base.iterdir()
            if DOCKET_ID.match(d.name) and (d / f"{tracking_number}.toml").is_file()
        )
        if base.is_dir()
        else []
    )
    if not found:
        raise CuratorError(f"no public comment with tracking number '{tracking_number}'")
    if len(found) > 1:
        raise CuratorError(f"tracking number '{tracking_number}' is in several dockets: {found}")
    return found[0]


def _edited(
    root: Path, tracking_number: str, how: Callable[[PublicComment], PublicComment]
) -> PublicCommentEdit:
    rel = comment_file(root, tracking_number)
    path = root / rel
    if path.is_symlink() or not path.resolve().is_relative_to(root.resolve()):
        raise CuratorError(f"{rel} is a link or leads outside the list folder; not changed")
    raw = read_regular(path, MAX_BYTES)
    _, before = _usable(rel, raw)
    if before is None:
        raise CuratorError(f"{rel} is broken: run `curator check`; not changed")
    after = how(before)
    text = render(KIND, records.public_comment_to(after), raw.decode("utf-8")).encode("utf-8")
    if text != raw:
        write_atomic(path, text, expected=digest(raw))
    return PublicCommentEdit(rel, before, after)


def answer(
    root: Path,
    tracking_number: str,
    action: str,
    response: str,
    member: Member,
    at: dt.datetime | None = None,
) -> PublicCommentEdit:
    """Record the committee's answer (who and when, UTC); a later answer replaces it."""
    given = public.disposition(action, response, member.id, at or dt.datetime.now(dt.UTC))
    return _edited(root, tracking_number, lambda c: public.answered(c, given))


def set_mapping(root: Path, tracking_number: str, mapped: Sequence[str]) -> PublicCommentEdit:
    """The committee's mapping by hand; no ids means general. Re-import keeps it."""
    mapping = public.corrected_mapping(mapped, control_ids(root))
    return _edited(root, tracking_number, lambda c: public.remapped(c, mapping))
