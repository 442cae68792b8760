"""Read a list (a folder, or a git revision through the same code) into the immutable model."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
    ValuesView,
)
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from curator.core import checks, records
from curator.core.ids import CONTROL_ID, DOCKET_ID, SLUG_ID, TRACKING_NUMBER
from curator.core.model import (
    CatalogueItem,
    Comment,
    Control,
    ControlList,
    Manifest,
    Outline,
    PublicComment,
)
from curator.core.problems import Problem, notices_only, problem_order
from curator.store.formats import read as reader
from curator.store.formats.layout import DEFINITIONS, FOLDERS, kind_of, stem_of
from curator.store.index import cache
from curator.store.index.cross_checks import CheckRun, CrossChecks, Unchecked
from curator.store.index.source import Entry, walk, with_bytes

COMMENT_KINDS = ("comment", "public-comment")  # the kinds of file read after the definitions
COMMENT_STEM = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{6}Z(\.[0-9]+)?-[a-z0-9][a-z0-9-]{0,63}$"
)


def load(
    root: Path,
    reader_fn=reader.read,
    folders: Sequence[str] = FOLDERS,
    watch: CrossChecks | None = None,
) -> ControlList:
    """The list in folder `root` as it is on disk (list.toml and `folders`, by default all;
    `watch` as in `build`).

    With the default reader, files go through the list's read cache (store.index.cache): a file
    whose stat stamp has not changed since it was last read is neither opened nor parsed.
    """
    files = cache.ListIndex.of(root) if reader_fn is reader.read else None
    if files is None:
        return build(walk(root, folders), reader_fn, watch)
    with files, cache.gc_paused():
        entries = list(walk(root, folders, read=False))
        # the definitions as built are kept whole: unchanged, they are one unpickling
        kept = kept_as(folders, watch)
        state = files.state_of(entries) if kept else None
        if kept and state is not None and (found := files.built(kept, state)) is not None:
            return found
        loaded = build(files.resolve(entries), reader_fn, watch)
        if kept and (state := files.state_of(entries)) is not None:
            files.keep_built(kept, state, loaded)
        return loaded


def load_about(root: Path, control_id: str) -> ControlList:
    """What a verb about one control reads: the definitions (kept whole in the cache) and that
    control's discussion — not 10^5 comments on the others. No cross-file checks are run (a
    verb does its own; `check` reports the rest). An id that is not a control's reads no
    discussion (the verb then says the control is unknown)."""
    loaded = load(root, folders=DEFINITIONS, watch=Unchecked())
    if not CONTROL_ID.fullmatch(control_id) or control_id not in loaded.controls:
        return loaded
    comment_files = load(root, folders=(f"discussion/{control_id}",), watch=Unchecked())
    return replace(
        loaded,
        comments=comment_files.comments,
        broken={
            **loaded.broken,
            **{p: f for p, f in comment_files.broken.items() if p != "list.toml"},
        },
        files=loaded.files + comment_files.files - 1,  # list.toml once
    )


def kept_as(folders: Sequence[str], watch: CrossChecks | None) -> str | None:
    """The name a load's result is kept under, if it is kept: the definitions, checked or not
    (what the TUI's first screen and `publish` read); a whole list is too large to rewrite
    on every change."""
    if tuple(folders) != DEFINITIONS or (watch is not None and type(watch) is not Unchecked):
        return None
    return "definitions" if watch is None else "definitions-unchecked"


def build(
    entries: Iterable[Entry],
    reader_fn=reader.read,
    watch: CrossChecks | None = None,
    keep_comments: bool = True,
    known: Iterable[Known] = (),
) -> ControlList:
    """The list from its files. `watch` (store.index.incremental) runs the cross-file checks of the
    files that need it and answers the others from what the same checks found last time;
    `known`: the controls it left out of `entries`, among the controls all the same.

    The comments (10^5 files) are read after the definitions, a file at a time: an entry
    left unread (`Entry.fetch`) is read, parsed and checked, and its bytes and data let go
    before the next. `keep_comments=False` (a check) keeps its problems and not its records."""
    problems: list[Problem] = []
    broken: dict[str, list[Problem]] = defaultdict(list)
    sources: dict[str, Entry] = {}  # files read cleanly, to put line numbers on problems
    good: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    comment_files: list[tuple[Entry, str] | None] = []
    files = 0
    for entry in entries:
        kind = kind_of(entry.path)
        files += 1
        if kind in COMMENT_KINDS:
            comment_files.append((entry, kind))
            continue
        usable = _usable(entry, kind, reader_fn, broken)
        if usable is not None and kind is not None:
            sources[entry.path] = usable[0]
            good[kind].append((entry.path, usable[1]))

    manifest = None
    for path, data in good["list"]:
        manifest = records.manifest_from(data)
        problems.extend(checks.check_manifest(manifest, path))
    if manifest is None and "list.toml" not in broken:
        broken["list.toml"].append(
            Problem("list.toml", None, "", "no-manifest", "no list.toml: this folder is not a list")
        )

    controls = Controls()
    by_id: dict[str, list[str]] = defaultdict(list)
    for path, data in good["control"]:
        by_id[data["id"]].append(path)
    known = tuple(known)
    for control in known:
        by_id[control.outline.id].append(control.file)
    for path, data in good["control"]:
        stem = stem_of(path)
        if data["id"] != stem:
            message = f"id '{data['id']}' does not match the file name '{stem}'"
            broken[path].append(Problem(path, None, "id", "id-mismatch", message))
            if len(by_id[data["id"]]) > 1:
                others = ", ".join(sorted(p for p in by_id[data["id"]] if p != path))
                broken[path].append(
                    Problem(
                        path,
                        None,
                        "id",
                        "duplicate-id",
                        f"id '{data['id']}' is also used by {others}",
                    )
                )
            continue
        controls.add(stem, path, data)
    for control in known:
        controls.add(control.outline.id, control.file, control)

    catalogue = {}
    for path, data in good["item"]:
        stem = stem_of(path)
        if data["id"] != stem:
            message = f"id '{data['id']}' does not match the file name '{stem}'"
            broken[path].append(Problem(path, None, "id", "id-mismatch", message))
            continue
        catalogue[stem] = records.item_from(data, path)

    outlines = controls.outlines() if watch is not None or comment_files else {}
    if watch is not None:
        watch.built(manifest, outlines)
    if manifest is not None:
        runs = [(path, _control_checks(cid, manifest, controls)) for cid, path in controls.files()]
        runs += [(item.file, _item_checks(item, manifest)) for item in catalogue.values()]
        if watch is None:
            problems.extend(p for _, run in runs for p in run(_unwatched))
        else:
            problems.extend(watch.check_each(runs))

    comments: list[Comment] = []
    public: list[PublicComment] = []
    moves: dict[str, tuple[Comment, Entry]] = {}  # comments that change a status, by file
    for i, pending in enumerate(comment_files):
        assert pending is not None
        comment_files[i] = None  # each file's bytes let go once it is read, not all held to the end
        made = comment_record(*pending, reader_fn, broken)
        if made is None:
            continue
        entry, record = made
        if isinstance(record, Comment):
            if keep_comments:
                comments.append(record)
            if record.transition is not None:
                moves[record.file] = record, entry
        elif keep_comments:
            public.append(record)
        # located now, while the file's bytes are at hand
        problems.extend(
            located(p, entry) for p in comment_checks(record, manifest, outlines, watch)
        )
    if moves and not isinstance(watch, Unchecked):
        move_problems = checks.check_moves((move for move, _ in moves.values()), outlines)
        problems.extend(located(p, moves[p.file][1]) for p in move_problems)

    notices = [p for found in broken.values() if notices_only(found) for p in found]
    broken = {path: found for path, found in broken.items() if not notices_only(found)}
    for path, found in broken.items():
        problems.extend(located(p, sources.get(path)) for p in found)
    problems = [located(p, sources.get(p.file)) for p in problems]
    return ControlList(
        manifest=manifest,
        controls=controls,
        catalogue=catalogue,
        comments=tuple(comments),
        public_comments=tuple(public),
        problems=tuple(sorted(problems, key=problem_order)),
        files=files,
        broken={path: tuple(found) for path, found in broken.items()},
        notices=tuple(sorted(notices, key=problem_order)),
    )


@dataclass(frozen=True)
class Known:
    """A control a check left out of a build, known by what it remembers of the control: its
    file, its outline, and how to read its data, should a check that runs ask for its record
    (None: it can no longer be read)."""

    file: str
    outline: Outline
    data: Callable[[], Mapping[str, Any] | None]


class Controls(Mapping[str, Control]):
    """A list's controls by id, each made into its record when first asked for: a check that
    reruns a few controls' checks makes those few (and the ones they cite), not 10^4; a
    control's outline is read from its data. Sent to another process or pickled, it is a dict
    of them all."""

    __slots__ = ("_data", "_made", "_whole")

    def __init__(self) -> None:
        self._data: dict[str, tuple[str, Mapping[str, Any] | Known]] = {}  # id: (file, data)
        self._made: dict[str, Control] = {}
        self._whole = False  # `_made` holds them all, in the list's order

    def add(self, control_id: str, file: str, data: Mapping[str, Any] | Known) -> None:
        self._data[control_id] = (file, data)

    def files(self) -> Iterator[tuple[str, str]]:
        """(id, file) of each read by this build (not `Known`), in order, none made."""
        return (
            (cid, file) for cid, (file, data) in self._data.items() if not isinstance(data, Known)
        )

    def outlines(self) -> dict[str, Outline]:
        """Each control's outline, by id: read from the data of those not made."""
        return {cid: self._outline(cid) for cid in self._data}

    def _outline(self, control_id: str) -> Outline:
        made = self._made.get(control_id)
        if made is not None:
            return made.outline()
        data = self._data[control_id][1]
        return data.outline if isinstance(data, Known) else records.outline_from(data)

    def __getitem__(self, control_id: str) -> Control:
        made = self._made.get(control_id)
        if made is None:
            file, given = self._data[control_id]
            data = given.data() if isinstance(given, Known) else given
            if data is None:
                raise KeyError(control_id)
            made = self._made[control_id] = records.control_from(data, file)
        return made

    def get(self, control_id: str, default: Any = None) -> Any:
        # (Mapping's own goes through a KeyError for each id not found)
        if control_id not in self._data:
            return default
        try:
            return self[control_id]
        except KeyError:  # known, and gone since
            return default

    def __contains__(self, control_id: object) -> bool:
        return control_id in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def values(self) -> ValuesView[Control]:
        return self._all().values()

    def items(self) -> ItemsView[str, Control]:
        return self._all().items()

    def __reduce__(self) -> tuple[type[dict], tuple[dict[str, Control]]]:
        return dict, (self._all(),)

    def __repr__(self) -> str:
        return f"Controls({len(self._data)} controls, {len(self._made)} made)"

    def _all(self) -> dict[str, Control]:
        """Every control made, in order (then read as a dict is, for the UI's 10^4 rows)."""
        if not self._whole:
            self._made = {cid: self[cid] for cid in self._data}
            self._whole = True
        return self._made


def comment_record(
    entry: Entry, kind: str | None, reader_fn, broken: dict[str, list[Problem]]
) -> tuple[Entry, Comment | PublicComment] | None:
    """One file of the comments, read into its record (its entry with its bytes, when it had
    to read them); or None, with why it cannot be used in `broken`. Its cross-file checks are
    `comment_checks`, which need the definitions."""
    usable = _usable(entry, kind, reader_fn, broken)
    if usable is None:
        return None
    entry, data = usable
    record = _said(entry.path, kind, data, broken, entry)
    return None if record is None else (entry, record)


def comment_from_bytes(
    path: str, kind: str, raw: bytes, broken: dict[str, list[Problem]]
) -> Comment | PublicComment | None:
    """`comment_record` for a plain file whose bytes were just read (a check's walk: 10^5 files,
    no entry each)."""
    if not _named_right(kind, path, broken):
        return None
    data = _data(path, kind, raw, None, reader.read, broken)
    return None if data is None else _said(path, kind, data, broken, raw)


def _said(
    path: str,
    kind: str | None,
    data: dict,
    broken: dict[str, list[Problem]],
    source: Entry | bytes,
) -> Comment | PublicComment | None:
    """A comment file's record from its data; None when its tracking number is not its name's
    (`source`, its entry or bytes, to locate that)."""
    if kind == "comment":
        return records.comment_from(data, path.split("/")[1], path)
    if data["tracking_number"] != stem_of(path):
        message = f"tracking number '{data['tracking_number']}' does not match the file name"
        mismatch = Problem(path, None, "tracking_number", "id-mismatch", message)
        broken[path].append(located(mismatch, source))
        return None
    return records.public_comment_from(data, path)


def comment_checks(
    record: Comment | PublicComment,
    manifest: Manifest | None,
    controls: Mapping[str, Outline],
    watch: CrossChecks | None,
) -> Iterable[Problem]:
    """One comment file's cross-file checks against the definitions (the controls' outlines: see
    `Control.outline`), not located yet."""
    if isinstance(record, PublicComment):
        return _cross_checked(
            watch, record.file, lambda seen: checks.check_public_comment(record, seen(controls))
        )
    if manifest is None:
        return ()
    return _cross_checked(
        watch, record.file, lambda seen: checks.check_comment(record, manifest, seen(controls))
    )


def _usable(
    entry: Entry, kind: str | None, reader_fn, broken: dict[str, list[Problem]]
) -> tuple[Entry, dict] | None:
    """One file as read (its entry with its bytes, when it had to read them) and its data; or
    None, with why it cannot be used in `broken` (a file of no known kind: nothing)."""
    if entry.problem is not None:
        broken[entry.path].append(entry.problem)
        return None
    if kind is None or not _named_right(kind, entry.path, broken):
        return None
    if entry.result is None and entry.raw is None:
        entry = with_bytes(entry)
        if entry.problem is not None:
            broken[entry.path].append(entry.problem)
            return None
    data = _data(entry.path, kind, entry.raw, entry.result, reader_fn, broken)
    return None if data is None else (entry, data)


def _named_right(kind: str, path: str, broken: dict[str, list[Problem]]) -> bool:
    """Whether the file is named as its kind's files are (else why not, in `broken`)."""
    name_problem = _name_problem(kind, path)
    if name_problem:
        broken[path].append(name_problem)
    return name_problem is None


def _data(
    path: str,
    kind: str,
    raw: bytes | None,
    result: reader.Read | None,
    reader_fn,
    broken: dict[str, list[Problem]],
) -> dict | None:
    """A file's data as read (`result`: what the read cache knew); None, with its problems in
    `broken`, when it cannot be used."""
    result = result or reader_fn(kind, path, raw)
    if result.data is None:
        broken[path].extend(result.problems)
        return None
    return result.data


def _cross_checked(watch: CrossChecks | None, file: str, run: CheckRun) -> Iterable[Problem]:
    """`run(seen)`: one file's cross-file checks, where `seen` wraps what they are given of the
    controls (the id set or the records by id). A watch runs them only when that changed."""
    return run(_unwatched) if watch is None else watch.check(file, run)


def _control_checks(control_id: str, manifest: Manifest, controls: Controls) -> CheckRun:
    return lambda seen: checks.check_control(controls[control_id], manifest, seen(controls))


def _item_checks(item: CatalogueItem, manifest: Manifest) -> CheckRun:
    return lambda seen: checks.check_item(item, manifest)


def _unwatched(controls: Any) -> Any:
    return controls


def located(problem: Problem, source: Entry | bytes | None) -> Problem:
    if problem.line is not None or source is None:
        return problem
    raw = source if isinstance(source, bytes) else source.contents()
    if raw is None:
        return problem
    return reader.locate(problem, raw.decode("utf-8", "replace"))


# what a file of each kind is named: a pattern for its stem and what to say when it is not
NAMES = {
    "control": (CONTROL_ID, "a control file is named <CONTROL-ID>.toml, e.g. 3A090.toml"),
    "item": (
        SLUG_ID,
        "a catalogue file is named <item-id>.toml in lower case, e.g. nvidia-h100.toml",
    ),
    "comment": (COMMENT_STEM, "a comment file is named <UTC-stamp>-<member>.toml"),
    "public-comment": (TRACKING_NUMBER, "a public comment file is named <tracking-number>.toml"),
}


def _name_problem(kind: str, path: str) -> Problem | None:
    parts = path.split("/")
    stem = stem_of(path)
    rule = NAMES.get(kind)
    if rule and not rule[0].match(stem):
        return Problem(
            path, None, "", "bad-file-name", f"'{parts[-1]}' is not a valid file name: {rule[1]}"
        )
    if kind == "comment" and not CONTROL_ID.match(parts[1]):
        return Problem(path, None, "", "bad-file-name", f"'{parts[1]}' is not a control id")
    if kind == "public-comment" and not DOCKET_ID.match(parts[1]):
        return Problem(path, None, "", "bad-file-name", f"'{parts[1]}' is not a docket id")
    return None
