"""`curator check`, incremental and shared between processes.

`check` is `load(root)`'s problems computed incrementally: it remembers, per file, the problems
found and which controls its cross-file checks looked at (`Watch`), and checks again only the
files whose content — or whose controls — changed.

A check has two parts. The definitions (list.toml, the controls, the catalogue) are read, built
and checked by the first process, through `load.build` (`_Definitions`): those whose checks run
again, each other control known by the outline its memory keeps (`load.Known`); when many are new,
their checks, once the controls' data are read, are shared with a child forked for them
(`processes.share`, `_SharedWatch`), so that another core is not left idle while the helpers
wait for the definitions (their parsing is shared so only by a check without helpers: with
them, the other cores have buckets to take). The comments
(discussion and public comments: 10^5 files) is split into `cache.BUCKETS` buckets by a hash of
the path; each bucket has its own memory and cache files and is checked whole by one process
(`_Bucket`). The processes, one per core, take buckets from a queue until none is left, so that
one slowed down by a shared machine takes fewer. A comment file is read, parsed, validated and made
into its record without the definitions (`load.comment_record`), so the other processes start on
their buckets at once while the first builds the definitions; its cross-file checks
(`load.comment_checks`) wait until the first sends what they need (`Defined`: the manifest, and an
outline of each control). A bucket remembers the definitions it
was checked against (a digest of what its checks read of list.toml — the members' ids and the
parameters — and the controls' blob ids), so that a control that changed sends back exactly the
files that looked at it, an edit of the rest of list.toml none, and a bucket checked against
anything else is checked whole. The definitions likewise remember what their checks read of
list.toml (the areas', members' and regimes' ids and the parameters): an edit of anything else
there — the title, the docket, the publishing settings — checks list.toml alone. A process that
fails has its buckets checked again by the first.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import select
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from curator.core.problems import Problem, notices_only, problem_order
from curator.store import processes
from curator.store.formats import read as reader
from curator.store.formats.files import is_regular
from curator.store.formats.layout import DEFINITIONS, kind_of, stem_of
from curator.store.index import cache, source
from curator.store.index.cache import (
    BUCKETS,
    COMMENT_FOLDERS,
    NO_BLOB,
    STAT_STAMP,
    ListIndex,
    blob_digest,
    bucket_of,
    folder_of,
    gc_paused,
)
from curator.store.index.cross_checks import ALL, CheckRun, Watch
from curator.store.index.source import Entry, with_bytes

if TYPE_CHECKING:
    from curator.core.model import Comment, Manifest, Outline, PublicComment
    from curator.store.index import load as loading

    Definitions = tuple[Manifest | None, Mapping[str, Outline]]  # what the comments' checks need

MANY = 2000  # definitions to re-check above which all go through the read cache (`_cached`)
SHARED_FROM = 5000  # files in a list from which its check is shared between processes
DEFINED = "checked-definitions"  # the definitions' memory
COMMENTS_MEMORY = "checked-comments"  # one bucket's memory: "checked-comments.<bucket>"
LISTINGS = "checked-folders"  # what the walk found in each folder (source.Listings)
NO_STAMP = bytes(STAT_STAMP.size)  # a stamp too recent to trust: never the same as a file's
# a bucket walked before the definitions came is handed on to whoever is free when its walk
# read at most one of this many of its files (another process would read them again)
HAND_ON_READ = 8

# a comment that changes a status, as a bucket remembers it: its file, control, author, time,
# and the statuses from and to
Move = tuple[str, str, str, str, str, str]
MOVES = "checked-moves"  # the last check of the last moves against the controls


class _FirstUse:
    """Stands for store.index.load (which reads files into records and checks them) until
    first used, then puts the module itself in its place: a check that finds nothing new
    reads, builds and checks nothing, and imports none of it (the model's classes alone take
    15 ms to make; docs/design.md §10)."""

    def __getattr__(self, name: str) -> Any:
        from curator.store.index import load

        globals()["loading"] = load
        return getattr(load, name)


if not TYPE_CHECKING:
    loading = _FirstUse()


@dataclass(frozen=True)
class Checked:
    """What `curator check` reports: the problems, how many files, which could not be used."""

    problems: tuple[Problem, ...]
    files: int
    broken: tuple[str, ...]
    paths: tuple[str, ...]  # every file looked at
    notices: tuple[Problem, ...] = ()  # files that are not list files (Problem.notice)
    moves: tuple[Move, ...] = ()  # the comments that change a status (see `_moves_checked`)

    def __reduce__(self) -> tuple:
        # from a helper process: 10^5 paths as one string (a path holds no NUL) unpickle in a
        # tenth of the time
        paths = "\0".join(self.paths)
        fields = (self.problems, self.files, self.broken, paths, self.notices, self.moves)
        return _checked, fields

    @property
    def usable(self) -> list[str]:
        """The list files that loaded cleanly (the ones `fmt` may rewrite), sorted."""
        broken = set(self.broken)
        return sorted(p for p in self.paths if kind_of(p) is not None and p not in broken)


def _checked(
    problems: tuple[Problem, ...],
    files: int,
    broken: tuple[str, ...],
    paths: str,
    notices: tuple[Problem, ...],
    moves: tuple[Move, ...],
) -> Checked:
    listed = tuple(paths.split("\0")) if paths else ()
    return Checked(problems, files, broken, listed, notices, moves)


def check(root: Path, processes: int | None = None) -> Checked:
    """The problems `load(root)` finds, its file count and broken files — reusing what the
    last check found for every file whose content, and whose controls, did not change.
    `processes`: how many share the check (by default one per core for a list of
    SHARED_FROM files or more)."""
    files = ListIndex.of(root)
    if files is None:
        loaded = loading.load(root)
        paths = tuple(e.path for e in source.walk(Path(root), read=False))
        broken = tuple(sorted(loaded.broken))
        return Checked(loaded.problems, loaded.files, broken, paths, loaded.notices)
    count = processes or _processes(files)
    # paused to the end, merging included: the first collection after 10^6 new objects goes
    # through all of them and finds nothing to collect
    with gc_paused():
        return _Run(files, count).run()


def _processes(files: ListIndex) -> int:
    """One per core (at most one per bucket), unless the list is known to be small."""
    cores = min(os.cpu_count() or 1, BUCKETS)
    known = files.section("size", int)
    if cores < 2 or (known and known < SHARED_FROM) or not processes.can_fork():
        return 1
    return cores


class Defined:
    """What the checks of the comments need of the definitions: the manifest and the controls
    (`definitions`, worked out when first asked for: a check with nothing new to check never
    builds them), and whether they changed since a bucket was checked: `state` is a digest of
    what the comments' checks read of list.toml and of every control's blob id now, `before`
    the one of the last check of the definitions, `changed` the files that differ between the
    two (the controls; list.toml when what they read of it differs)."""

    def __init__(
        self,
        state: bytes,
        before: bytes | None,
        changed: frozenset[str],
        get: Callable[[], Definitions],
    ) -> None:
        self.state, self.before, self.changed = state, before, changed
        self._get: Callable[[], Definitions] = get
        self._got: Definitions | None = None

    def definitions(self) -> Definitions:
        if self._got is None:
            self._got = self._get()
        return self._got


class _Run:
    """One check: the definitions here, then buckets taken from a pipe here and in a helper
    process per other core, started first."""

    def __init__(self, files: ListIndex, count: int) -> None:
        self.files = files
        self.count = count

    def run(self) -> Checked:
        files = self.files
        cache.validity()  # worked out once, before the processes part
        buckets = processes.Tasks(BUCKETS)
        handed = processes.Handed()  # buckets a helper walked before the definitions came
        helpers: list[_Helper] = []
        senders: list[threading.Thread] = []
        done = False
        try:
            if self.count > 1 and processes.can_fork():
                for _ in range(self.count - 1):
                    try:
                        helpers.append(_Helper.start(files.root, buckets, handed, helpers))
                    except OSError:  # no process to be had (a limit): fewer share the check
                        break
            # this process knows the definitions before it takes a bucket: it hands none on
            handed.hand_on()
            # the other cores have the helpers' buckets: a child forked to parse the new
            # definitions would only take turns with them, and cost more than it saved
            # (benchmarks/RESULTS.md, sixth session)
            files.parallel = not helpers
            cutoff = source.trust_cutoff()
            listings = source.Listings(files.section(LISTINGS, dict), cutoff)
            # decided as each helper decides, from the listings kept (the walk of the
            # definitions below adds to them)
            told = _told(files, listings)
            if not told:
                for helper in helpers:
                    helper.ignore_listing()

            def announce(message: tuple) -> None:
                """Send the helpers what their checks need of the definitions, once."""
                if helpers and not senders:
                    body = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
                    senders.extend(processes.send(helper.sends, body) for helper in helpers)

            with files:
                in_child = self._in_child(helpers) if self.count > 1 else None
                definitions = _Definitions(files, cutoff, listings, in_child, announce)
                checked, defined = definitions.run()
                announce(definitions.message(defined))  # (if not sent as soon as built)
                # a helper tells what it found in the comment folders when that is quicker than
                # listing them here (see _told)
                listed = helpers[0].listed() if helpers and told else None
                comments = _Comments(
                    files, cutoff, listings, buckets, handed, lambda: defined, listed
                )
                files.owns = comments.owns_or_first
                walked = listings.walked()
                if walked is not None:
                    files.put(LISTINGS, walked)
                files.save()  # the definitions' cache files, while the helpers take buckets
                parts = comments.run()
                files.save()  # its buckets', while the helpers write theirs
                for helper in helpers:
                    parts.update(helper.answer())
                # the buckets of a helper that failed
                parts.update(comments.check([b for b in range(BUCKETS) if b not in parts]))
                merged = _moves_checked(files, _merged([checked, *parts.values()]), defined)
                if files.section("size", int) != merged.files:
                    files.put("size", merged.files)
            done = True
        finally:
            buckets.close()
            handed.close()
            for helper in helpers:
                helper.end(done, sent=bool(senders))
            for sender in senders:
                sender.join()
        return merged

    @staticmethod
    def _in_child(helpers: list[_Helper]) -> Callable[[], None]:
        """What a child sharing the definitions' checks runs first: it closes the helpers' pipes
        (a helper waits for every writer of what it is sent to close it)."""

        def close() -> None:
            for helper in helpers:
                helper.close_ends()

        return close


def _merged(parts: Iterable[Checked]) -> Checked:
    """The parts' results as one."""
    parts = list(parts)
    problems = sorted((p for part in parts for p in part.problems), key=problem_order)
    paths = tuple(p for part in parts for p in part.paths)
    broken = sorted(b for part in parts for b in part.broken)
    notices = sorted((p for part in parts for p in part.notices), key=problem_order)
    moves = tuple(m for part in parts for m in part.moves)
    return Checked(tuple(problems), len(paths), tuple(broken), paths, tuple(notices), moves)


def _moves_checked(files: ListIndex, merged: Checked, defined: Defined) -> Checked:
    """`merged` with the problems of the last status change recorded for each control
    (checks.check_moves): a check across comments, which no bucket can make alone. Its
    answer is remembered with the definitions and the moves it was made for, so that a check
    with nothing new neither builds the definitions nor goes through the moves for it."""
    if not merged.moves:
        return merged
    # repr, not marshal: marshal's bytes follow how objects are shared in memory, so the same
    # moves read by other processes would give another key and the controls be built again
    asked = defined.state + repr(sorted(merged.moves)).encode()
    key = hashlib.sha1(asked, usedforsecurity=False).digest()
    memory = files.section(MOVES, dict)
    if memory.get("key") == key:
        found = [Problem(*p) for p in memory["problems"]]
    else:
        from curator.core import checks, discussion
        from curator.core.model import Comment, Transition

        last = discussion.last_moves(
            Comment(control, file, author, at, transition=Transition(before, after))
            for file, control, author, at, before, after in merged.moves
        )
        _, controls = defined.definitions()
        found = [
            loading.located(p, _bytes_of(files.root, p.file))
            for p in checks.check_moves(last.values(), controls)
        ]
        files.put(MOVES, {"key": key, "problems": [_problem_tuple(p) for p in found]})
    if not found:
        return merged
    problems = tuple(sorted((*merged.problems, *found), key=problem_order))
    return replace(merged, problems=problems)


def _bytes_of(root: Path, path: str) -> bytes | None:
    try:
        return source.read_file(f"{root}/{path}")
    except OSError:
        return None


@dataclass
class _Helper:
    """A process taking buckets too: it tells what it found in the comment folders through
    `lists` (marshalled), is sent `Defined` (pickled) through `sends`, and answers its buckets'
    results (pickled) through its answer's pipe."""

    child: processes.Forked
    sends: int
    lists: int

    @classmethod
    def start(
        cls, root: Path, buckets: processes.Tasks, handed: processes.Handed, others: list[_Helper]
    ) -> _Helper:
        to_helper, from_helper = processes.Pipe.open(), processes.Pipe.open()

        def in_child() -> None:
            to_helper.keep_reading()
            from_helper.keep_writing()
            for other in others:
                other.close_ends()

        def work() -> bytes:
            found = _help(root, buckets, handed, to_helper.reading, from_helper.writing)
            return pickle.dumps(found, pickle.HIGHEST_PROTOCOL)

        try:
            child = processes.Forked.start(work, in_child)
        except OSError:
            to_helper.close()
            from_helper.close()
            raise
        return cls(child, to_helper.keep_writing(), from_helper.keep_reading())

    def close_ends(self) -> None:
        for fd in (self.sends, self.child.answers, self.lists):
            if fd >= 0:
                os.close(fd)

    def ignore_listing(self) -> None:
        """Not to read what it found in the comment folders: it tells nothing then, and were it
        to, its sending would end at once rather than wait for a reader."""
        if self.lists >= 0:
            os.close(self.lists)
            self.lists = -1

    def listed(self) -> tuple[Any, Any] | None:
        """What it found in the comment folders; None when it failed before it told."""
        fd, self.lists = self.lists, -1
        try:
            found = marshal.loads(processes.receive(fd))  # (not sent whole: raises)
        except (OSError, ValueError, EOFError, TypeError):
            return None
        return found if type(found) is tuple and len(found) == 2 else None

    def answer(self) -> dict[int, Checked]:
        """The buckets it checked; none when it failed."""
        return self.child.answered()

    def end(self, done: bool, sent: bool) -> None:
        """Close its pipes (`sends` is its sender's once `sent`); stop it if this check is
        failing."""
        if self.lists >= 0:
            os.close(self.lists)
        if not sent:
            os.close(self.sends)
        self.child.end(done)


def _help(
    root: Path, buckets: processes.Tasks, handed: processes.Handed, sends: int, lists: int
) -> dict[int, Checked]:
    """A helper's work: the comment folders listed (and told, so that the first process need not
    list them again), buckets, their cross-file checks once `Defined` has come."""
    files = ListIndex.of(root)
    assert files is not None
    files.parallel = False
    cutoff = source.trust_cutoff()
    listings = source.Listings(files.section(LISTINGS, dict), cutoff)
    received = _Received(sends, files, cutoff)
    told = _told(files, listings)  # (decided before the walk below adds to the listings)
    comments = _Comments(files, cutoff, listings, buckets, handed, received.now)
    teller = processes.send(lists, marshal.dumps(comments.listed(listings))) if told else None
    if teller is None:
        os.close(lists)
    files.owns = comments.owns
    with files:
        parts = comments.run(received.wait)
    received.wait()  # read whole even if unused: the first process's sender waits for that
    if teller is not None:
        teller.join()
    return parts


def _told(files: ListIndex, listings: source.Listings) -> bool:
    """Whether a helper tells the first process what it found in the comment folders, rather
    than each process listing them from what was kept, at once: when nothing was kept (a first
    check), and when the helper has its listing by the time the definitions are walked there —
    while the comment files kept are at most twice the definitions (a comment costs the walk
    about half what a definition does: the controls-heavy shape's warm check, 31,537 files,
    took 11 % less told, the default shape's, 160,537, 3 % more; benchmarks/RESULTS.md).
    Both processes decide alike, from the same listings kept."""
    if not listings.known:
        return True
    comments = definitions = 0
    top = str(files.root)
    for here, kept in listings.known.items():
        folder = here[len(top) + 1 :].partition("/")[0]
        if folder in COMMENT_FOLDERS:
            comments += len(kept[3])
        else:
            definitions += len(kept[3])
    return comments <= 2 * definitions


class _Received:
    """In a helper: `Defined` as sent by the first process (`now`: None until it has come)."""

    def __init__(self, fd: int, files: ListIndex, cutoff: int) -> None:
        self.fd, self.files, self.cutoff = fd, files, cutoff
        self.defined: Defined | None = None

    def now(self) -> Defined | None:
        if self.defined is None and self.fd >= 0 and select.select([self.fd], [], [], 0)[0]:
            return self.wait()
        return self.defined

    def wait(self) -> Defined:
        if self.defined is None:
            body = processes.receive(self.fd)
            self.fd = -1
            state, before, changed, shipped = pickle.loads(body)  # a first process gone: fails

            def own() -> Definitions:  # (its memory decoded only if wanted)
                return _Definitions(self.files, self.cutoff, None).definitions()

            self.defined = Defined(
                state, before, changed, own if shipped is None else lambda: shipped
            )
        return self.defined


def _problem_tuple(p: Problem) -> tuple:
    return (p.file, p.line, p.key, p.code, p.message)


def _answer(result: Checked) -> dict[str, Any]:
    """A part's result as its memory keeps it (`CheckMemory.last_result`), for `_remembered`."""
    return {
        "problems": [_problem_tuple(p) for p in result.problems],
        "files": result.files,
        "broken": list(result.broken),
        "notices": [_problem_tuple(p) for p in result.notices],
        "moves": list(result.moves),
    }


def _remembered(last: dict[str, Any], paths: list[str]) -> Checked:
    """The result a part's memory kept, for files that all have the stamp they had."""
    return Checked(
        tuple(Problem(*p) for p in last["problems"]),
        last["files"],
        tuple(last["broken"]),
        tuple(paths),
        tuple(Problem(*p) for p in last["notices"]),
        tuple(last["moves"]),  # (tuples, as pickled)
    )


@dataclass
class CheckMemory:
    """What one part of the check (the definitions, or one bucket of the comments) remembers
    between runs. It is kept as one section of the list's cache, so its parts cannot disagree;
    a missing or damaged one starts empty, and every file is checked again."""

    # per file, the stat stamp it had; for the definitions, its blob id follows (the comments
    # is checked again whenever its stamp moves, so no blob id is kept for it)
    stamps: dict[str, bytes] = field(default_factory=dict)
    # per file, the ids of the controls its cross-file checks looked at (one id as it is,
    # several joined by NULs, or ALL); kept encoded, decoded only when something changed
    depends_on: dict[str, str] | bytes = field(default_factory=dict)
    # per file that had any: whether it is broken, its problems (for the definitions, also those
    # of its cross-file checks apart)
    found: dict[str, tuple] = field(default_factory=dict)
    last_result: dict[str, Any] = field(default_factory=dict)  # the last result (`_answer`)
    checked_against: bytes = b""  # the definitions it was checked against (`Defined.state`)
    # for the definitions: per control file that could be used, the outline of the control its
    # remembered blob id holds (id, status, paragraph labels), so that an unchanged control need
    # not be read for the comments' checks; kept encoded, decoded only when something changed
    outlines: dict[str, tuple] | bytes = field(default_factory=dict)
    # for the definitions: list.toml's blob id (NO_BLOB: none) and the digests of what the
    # comment files' checks and the definitions' checks read of it (`_ListView`), so that it
    # is read only when changed
    list_view: bytes = b""

    @classmethod
    def of(cls, files: ListIndex, name: str) -> CheckMemory:
        """The memory kept in section `name` of the list's cache."""
        kept = files.section(name, dict)
        if set(kept) != _MEMORY_TYPES.keys() or not all(
            type(value) is _MEMORY_TYPES[part] or (part in _ENCODED and type(value) is dict)
            for part, value in kept.items()
        ):
            return cls()
        return cls(**kept)

    def keep(self, files: ListIndex, name: str) -> None:
        """Written to section `name` of the list's cache when it is next saved."""
        files.put(
            name,
            {
                "stamps": self.stamps,
                "depends_on": _encoded(self.depends_on),
                "found": self.found,
                "last_result": self.last_result,
                "checked_against": self.checked_against,
                "outlines": _encoded(self.outlines),
                "list_view": self.list_view,
            },
        )

    def dependencies(self) -> dict[str, str]:
        """`depends_on` decoded (10^5 records: a check with nothing new does without). A
        damaged one forgets the memory whole, and every file is checked again."""
        decoded = _decoded(self.depends_on, lambda ids: type(ids) is str)
        if decoded is None:
            self.stamps, self.found, self.last_result, self.outlines = {}, {}, {}, {}
            self.checked_against = self.list_view = b""
            decoded = {}
        self.depends_on = decoded
        return decoded

    def control_outlines(self) -> dict[str, tuple]:
        """`outlines` decoded; a damaged one is forgotten (every control is read again)."""
        decoded = _decoded(self.outlines, lambda kept: type(kept) is tuple and len(kept) == 3)
        self.outlines = decoded or {}
        return self.outlines


def _encoded(part: dict | bytes) -> bytes:
    return part if isinstance(part, bytes) else marshal.dumps(part)


def _decoded(part: dict | bytes, sound: Callable[[Any], bool]) -> dict | None:
    """A part kept encoded, decoded; None when it is damaged (`sound`: what each value must
    be)."""
    if isinstance(part, dict):
        return part
    try:
        decoded = marshal.loads(part)
    except (ValueError, EOFError, TypeError):
        return None
    if type(decoded) is not dict or not all(sound(value) for value in decoded.values()):
        return None
    return decoded


_MEMORY_TYPES = {
    "stamps": dict,
    "depends_on": bytes,
    "found": dict,
    "last_result": dict,
    "checked_against": bytes,
    "outlines": bytes,
    "list_view": bytes,
}
_ENCODED = ("depends_on", "outlines")  # parts kept marshalled within the memory's section


def _depending_on(depends_on: Mapping[str, str], changed: Iterable[str]) -> set[str]:
    """The files whose checks looked at one of the control files `changed` (or at all)."""
    ids = {stem_of(p) for p in changed if p.startswith("controls/")}
    if not ids:
        return set()
    ids.add(ALL)
    return {
        path
        for path, last in depends_on.items()
        if last in ids or ("\0" in last and not ids.isdisjoint(last.split("\0")))
    }


def _remember_dependencies(
    depends_on: dict[str, str], path: str, watch: Watch, old: str | None
) -> None:
    """What `path`'s checks looked at, as they ran now (`watch`) or, answered from memory,
    as they did last time (`old`)."""
    if path in watch.seen:
        depends_on[path] = watch.seen[path][0]
    else:
        depends_on[path] = "" if old is None else old


def _remember_seen(
    seen: dict[str, bytes],
    present: Set[str],
    stamps: Mapping[str, bytes],
    blobs: Mapping[str, bytes] | None = None,
) -> None:
    """Remember the stamp of each file read (`stamps`: path: the stamp to remember it by) and,
    with `blobs`, its blob id; forget the files gone."""
    for path in seen.keys() - present:
        del seen[path]
    if blobs is None:  # the comments: the stamp alone
        for path, stamp in stamps.items():
            if stamp != NO_STAMP:
                seen[path] = stamp
            else:
                seen.pop(path, None)  # unreadable or too recent to trust: read every time
        return
    for path, stamp in stamps.items():
        if path in blobs:
            seen[path] = stamp + blobs[path]
        elif stamp != NO_STAMP:  # a file of no known kind: its stamp is enough
            seen[path] = stamp + NO_BLOB
        else:
            seen.pop(path, None)  # unreadable: looked at every time


def _remember_outlines(
    outlines: dict[str, tuple], present: Set[str], rebuilt: Set[str], by_id: Mapping[str, Outline]
) -> None:
    """The outline of each control file read this time that could be used (a usable control's
    id is its file's name); none for a file gone."""
    for path in outlines.keys() - present:
        del outlines[path]
    for path in rebuilt:
        if path.startswith("controls/"):
            outline = by_id.get(stem_of(path))
            if outline is not None:
                outlines[path] = (outline.id, outline.status, outline.labels)
            else:
                outlines.pop(path, None)


def _read_changed(
    path: str,
    where: str,
    st: os.stat_result,
    stamp: bytes,
    cutoff: int,
    kind: str | None,
    read: Callable[[str, int], bytes] | None = None,
) -> tuple[Any, bytes]:
    """A plain file whose stamp is not the one the last check saw, read: its item (its bytes;
    (path on disk, stat) for a file of no known kind; or an entry saying why they cannot be
    read) and the stamp to remember it by (NO_STAMP, read again every time: one too recent to
    trust, or a file that cannot be read). Files are read here, in the walk: reading each only
    as `build` parses it measured slower (benchmarks/RESULTS.md). `read`: how (by default
    `source.read_file`)."""
    if st.st_size > reader.MAX_BYTES or not is_regular(st):
        return source.stat_entry(path, where, st), NO_STAMP  # a problem, every time
    remembered = _remembered_as(st, stamp, cutoff)
    if kind is None:
        return (where, st), remembered
    try:
        return (read or source.read_file)(where, st.st_size), remembered
    except OSError as err:
        return source.unreadable(path, err), NO_STAMP


def _read_changed_definition(
    files: ListIndex,
    path: str,
    where: str,
    st: os.stat_result,
    stamp: bytes,
    cutoff: int,
    kind: str | None,
    folder: str,
    read: Callable[[str, int], bytes] | None = None,
) -> tuple[Any, bytes | None, bytes]:
    """`_read_changed` for a definition, with its blob id: the read cache's when another verb read the
    same bytes (they are not read again), else worked out from them (its item is then an entry
    with its bytes); None for a file of no known kind or one that cannot be read. `kind` and
    `folder`: the file's (kind_of, folder_of); `read`: how (by default `source.read_file`)."""
    if kind is not None and st.st_size <= reader.MAX_BYTES and is_regular(st):
        blob = files.stamped(path, folder, stamp)  # read by another verb
        if blob is not None:
            return (where, st), blob, _remembered_as(st, stamp, cutoff)
    item, remembered = _read_changed(path, where, st, stamp, cutoff, kind, read)
    if type(item) is not bytes:
        return item, None, remembered
    blob = blob_digest(item)
    files.note(path, folder, stamp, blob, remembered != NO_STAMP)
    return Entry(path, item, None, source.stamp_of(st), blob=blob), blob, remembered


def _remembered_as(st: os.stat_result, stamp: bytes, cutoff: int) -> bytes:
    """The stamp a file read now is remembered by: NO_STAMP when too recent to trust (read
    again every time until it is not)."""
    return stamp if source.trusted(st.st_mtime_ns, st.st_ctime_ns, cutoff) else NO_STAMP


def _stat_entry(path: str, where: str) -> tuple[str, str, os.stat_result, bytes] | Entry:
    """A plain file stat'ed, with its stamp packed; its entry when it cannot be."""
    try:
        st = os.stat(where)
    except OSError:
        return source.walk_file(path, where)
    return path, where, st, cache.packed_stamp(st)


def _linked(files: ListIndex, entry: Entry, cutoff: int) -> tuple[Entry, bytes | None]:
    """An entry the walk made itself (a link, judged; a file it could not stat), read."""
    if entry.problem is None and kind_of(entry.path) is not None:
        entry = with_bytes(entry)
        if entry.raw is not None:
            blob = blob_digest(entry.raw)
            files.remember(entry, blob, cutoff)
            return Entry(entry.path, entry.raw, None, entry.stamp, blob=blob), blob
    return entry, None


def _entry_of(path: str, item: Any) -> Entry:
    return item if isinstance(item, Entry) else source.stat_entry(path, *item)


def _definitions_state(paths: Iterable[str], blobs: dict[str, bytes], view: bytes) -> bytes:
    """What the comment files' checks depend on, as a digest: what they read of list.toml
    (`view`, see `_ListView`) and the controls' blob ids."""
    controls = cache.files_digest([p for p in paths if p.startswith("controls/")], blobs)
    return hashlib.sha1(view + controls, usedforsecurity=False).digest()


DIGEST = 20  # a sha1 digest's length


def _digest(value: object) -> bytes:
    return hashlib.sha1(repr(value).encode(), usedforsecurity=False).digest()


class _ListView(NamedTuple):
    """Digests of what the checks read of list.toml: the comment files' checks
    (`checks.read_by_comment_checks`) and the definitions' (`checks.read_by_definition_checks`).
    An edit that leaves one the same leaves the problems of those files the same."""

    comments: bytes
    definitions: bytes

    @classmethod
    def read(cls, entry: Entry | None) -> _ListView:
        """Of list.toml (`entry`; None: there is none): one that cannot be used reads as none,
        as `load.build` takes it."""
        from curator.core import checks, records

        entry = None if entry is None else with_bytes(entry)
        found = (
            None
            if entry is None or entry.raw is None
            else reader.read("list", entry.path, entry.raw)
        )
        manifest = (
            None if found is None or found.data is None else records.manifest_from(found.data)
        )
        return cls(
            _digest(checks.read_by_comment_checks(manifest)),
            _digest(checks.read_by_definition_checks(manifest)),
        )

    @classmethod
    def kept(cls, memory: bytes) -> tuple[bytes, _ListView] | None:
        """What `keep` kept in `memory`: list.toml's blob id (NO_BLOB: none) and its view; None
        when nothing was (or in another form)."""
        size = len(NO_BLOB)
        if len(memory) != size + 2 * DIGEST:
            return None
        return memory[:size], cls(memory[size:-DIGEST], memory[-DIGEST:])

    def keep(self, blob: bytes) -> bytes:
        """What `kept` reads back, for list.toml's blob id `blob`."""
        return blob + self.comments + self.definitions


class _Definitions:
    """The definitions' part of a check (list.toml, the controls, the catalogue): walked,
    built through `load.build` from the read cache, checked, and remembered
    ("checked-definitions"). By the first process, which sends the helpers what it built; a
    helper builds them itself only when the first had no need to (`definitions`)."""

    def __init__(
        self,
        files: ListIndex,
        cutoff: int,
        listings: source.Listings | None,
        in_child: Callable[[], None] | None = None,
        announce: Callable[[tuple], None] = lambda message: None,
    ) -> None:
        self.files, self.cutoff, self.listings = files, cutoff, listings
        self.in_child = in_child  # given: many checks are shared with a child, which runs it
        self.announce = announce  # sends the helpers `message(...)`, once
        self.memory = CheckMemory.of(files, DEFINED)
        self.built: Definitions | None = None
        self.defined: Defined | None = None  # what is known of them before they are built
        self.walked = False

    def run(self) -> tuple[Checked, Defined]:
        """Its problems, and what the comment files' checks need of it."""
        self._walk()
        memory = self.memory
        before = memory.checked_against or None
        if (
            not self.changed
            and len(self.paths) == len(memory.stamps)
            and memory.last_result
            and before == self.state
        ):
            last = memory.last_result  # every file has the stamp it had: the same answer
            checked = _remembered(last, self.paths)
            return checked, Defined(self.state, before, frozenset(), self.definitions)
        self.defined = Defined(self.state, before, self._changed(), self.definitions)
        checked = self._check()
        return checked, self.defined

    def definitions(self) -> Definitions:
        """The manifest and the controls' outlines, built (and checked, and remembered) if not
        yet."""
        if self.built is None:
            if not self.walked:
                self._walk()
            self._check()
        assert self.built is not None
        return self.built

    def message(self, defined: Defined) -> tuple:
        """`defined` for a helper: its state, and the definitions as built here (the manifest
        and the controls' outlines: less to send and read than the controls whole) or, when they were not built, None."""
        return (defined.state, defined.before, defined.changed, self.built)

    def _walk(self) -> None:
        self.paths, self.items, self.blobs, self.changed = self._blobs(self.memory.stamps)
        kept = _ListView.kept(self.memory.list_view)
        self.last_view = None if kept is None else kept[1]  # the last check's
        self.view = self._view(kept)
        self.state = _definitions_state(self.paths, self.blobs, self.view.comments)
        self.walked = True

    def _view(self, kept: tuple[bytes, _ListView] | None) -> _ListView:
        """The `_ListView` of list.toml: as `kept` for its blob id, else read."""
        blob = self.blobs.get("list.toml", NO_BLOB)
        if kept is not None and kept[0] == blob != NO_BLOB:  # (one that cannot be read: again)
            return kept[1]
        item = self.items.get("list.toml")
        return _ListView.read(None if item is None else _entry_of("list.toml", item))

    def _changed(self) -> frozenset[str]:
        """The control files new, changed or gone since the last check, and list.toml when what
        the comment files' checks read of it changed."""
        seen, size = self.memory.stamps, STAT_STAMP.size
        present = set(self.paths)
        changed = {
            p
            for p in present | seen.keys()
            if p.startswith("controls/")
            and (
                p not in present
                or (last := seen.get(p)) is None
                or last[size:] != self.blobs.get(p)
            )
        }
        if self.last_view is None or self.last_view.comments != self.view.comments:
            changed.add("list.toml")
        return frozenset(changed)

    def _blobs(
        self, seen: dict[str, bytes]
    ) -> tuple[list[str], dict[str, Any], dict[str, bytes], dict[str, bytes]]:
        """The definitions in walk order; each as an entry or, when its stamp is the one
        recorded, as (path on disk, stat); the blob ids of the files that can be read, from
        the stamp when it is the one the last check saw (`seen`) or the read cache recorded,
        else read; and the stamps of the files whose stamp is not the one the last check saw
        (racy ones as NO_STAMP)."""
        files, cutoff = self.files, self.cutoff
        paths: list[str] = []
        items: dict[str, Any] = {}
        blobs: dict[str, bytes] = {}
        changed: dict[str, bytes] = {}
        listed = list(source.files(files.root, DEFINITIONS, read=False, listings=self.listings))
        ahead = source.ReadAhead(
            str(files.root), [f if isinstance(f, Entry) else f[0] for f in listed]
        )
        for found in listed:
            entry = found if isinstance(found, Entry) else _stat_entry(*found)
            if not isinstance(entry, Entry):  # stat'ed: (path, path on disk, stat, stamp)
                path, where, st, stamp = entry
                paths.append(path)
                last = seen.get(path)
                if last is not None and last.startswith(stamp):
                    items[path], blobs[path] = (where, st), last[STAT_STAMP.size :]
                else:
                    kind, folder = kind_of(path), folder_of(path)
                    item, blob, changed[path] = _read_changed_definition(
                        files, path, where, st, stamp, cutoff, kind, folder, ahead.read
                    )
                    items[path] = item
                    if blob is not None:
                        blobs[path] = blob
                continue
            entry, blob = _linked(files, entry, cutoff)
            if blob is not None:
                blobs[entry.path] = blob
            if entry.problem is not None:
                changed[entry.path] = NO_STAMP  # never the same as last time: looked at again
            paths.append(entry.path)
            items[entry.path] = entry
        return paths, items, blobs, changed

    def _rerun(self) -> set[str]:
        """Files whose problems may differ from last time: new or changed, looked at a control
        that changed, or every file when what their checks read of list.toml changed. Files
        never remembered (unreadable ones, files of no known kind) are always among them."""
        depends_on = self.memory.dependencies()
        seen, blobs = self.memory.stamps, self.blobs
        size = STAT_STAMP.size
        last_list, last_view = seen.get("list.toml"), self.last_view
        if (
            last_list is None
            or last_view is None
            or (
                last_list[size:] != blobs.get("list.toml")
                and last_view.definitions != self.view.definitions
            )
        ):
            return set(self.paths)
        rerun = {
            p
            for p in self.changed
            if (last := seen.get(p)) is None or last[size:] != blobs.get(p) or p not in depends_on
        }
        present = set(self.paths)
        rerun |= _depending_on(depends_on, rerun | (seen.keys() - present))
        return rerun & present | {"list.toml"}

    def _check(self) -> Checked:
        """Build the definitions — list.toml and the files whose checks run again; the other
        controls known by their outlines as remembered (read only if a check that runs asks
        for one), the other catalogue items not at all — and remember. The others' problems are
        answered from memory."""
        from curator.core.model import Outline

        files, memory = self.files, self.memory
        rerun = self._rerun()
        outlines = memory.control_outlines()
        chosen = [
            _entry_of(p, self.items[p])
            for p in self.paths
            if p in rerun
            or p == "list.toml"
            or (p.startswith("controls/") and p not in outlines)  # (as broken, read again)
        ]
        known = [
            loading.Known(p, Outline(*outlines[p]), self._data_of(p))
            for p in self.paths
            if p in outlines and p not in rerun
        ]
        watch = _SharedWatch(rerun, memory.dependencies(), memory.found, self)
        many = len(rerun) > min(MANY, len(self.paths) // 2)  # (or most: a first check)
        cached = [self._cached(e.path, many) for e in chosen]
        resolved = [
            *files.resolve(e for e, through in zip(chosen, cached, strict=True) if through),
            *(e for e, through in zip(chosen, cached, strict=True) if not through),
        ]
        built = loading.build(resolved, watch=watch, keep_comments=False, known=known)
        return self._record({e.path for e in chosen}, built, watch)

    def _data_of(self, path: str) -> Callable[[], Mapping[str, Any] | None]:
        """How a control left out of the build is read, should a check ask for its record."""

        def data() -> Mapping[str, Any] | None:
            entry = with_bytes(_entry_of(path, self.items[path]))
            return None if entry.raw is None else reader.read("control", path, entry.raw).data

        return data

    def keep_built(self, manifest: Manifest | None, outlines: Mapping[str, Outline]) -> None:
        """What the comment files' checks need of the definitions just built."""
        self.built = (manifest, outlines)

    def built_now(self) -> None:
        """Tell the helpers the definitions just built, when this check is the one that sends
        them (else nothing)."""
        if self.defined is not None:
            self.announce(self.message(self.defined))

    def _cached(self, path: str, many: bool) -> bool:
        """Whether a definition is read through the read cache: when many are new, every
        control and item (a first check leaves their results ready for the TUI's first screen
        and `publish`); when few, none (the read cache's 10^4 controls' results are then neither
        read nor written again for a few)."""
        return many and path.startswith(("controls/", "catalogue/"))

    def _record(self, rebuilt: set[str], built: Any, watch: Watch) -> Checked:
        """The rebuilt files' problems with the remembered ones of the rest; remember them."""
        memory = self.memory
        remembered = memory.dependencies()
        seen, found = memory.stamps, memory.found
        present = set(self.paths)
        by_file: dict[str, list[Problem]] = defaultdict(list)
        for p in built.problems:
            by_file[p.file].append(p)
        _remember_seen(seen, present, self.changed, self.blobs)
        assert self.built is not None  # (kept as the build was told of the definitions)
        _remember_outlines(memory.control_outlines(), present, rebuilt, self.built[1])
        leaving = (remembered.keys() - present) | (rebuilt & remembered.keys())
        old = {p: remembered.pop(p) for p in leaving}
        old_found = {p: found.pop(p) for p in (found.keys() - present) | (rebuilt & found.keys())}
        problems: list[Problem] = list(built.problems)
        broken = set(built.broken)
        for path, (was_broken, kept, _) in found.items():
            if path not in rebuilt:
                problems.extend(Problem(*p) for p in kept)
                if was_broken:
                    broken.add(path)
        for path in rebuilt:
            blob = self.blobs.get(path)
            if blob is None:
                continue  # unreadable, or of no known kind: looked at afresh every time
            mine = by_file.get(path, ())
            checked: tuple = ()
            if path in watch.seen:
                reported = watch.seen[path][1]
                if reported:
                    lines = {(p.key, p.code, p.message): p.line for p in mine}
                    checked = tuple(
                        (p.file, lines.get((p.key, p.code, p.message)), p.key, p.code, p.message)
                        for p in reported
                    )
            elif path in old and path not in watch.rerun:  # answered from memory
                checked = old_found.get(path, (False, (), ()))[2]
            _remember_dependencies(
                remembered, path, watch, old.get(path) if path not in watch.rerun else None
            )
            if mine or checked or path in built.broken:
                found[path] = (path in built.broken, tuple(map(_problem_tuple, mine)), checked)
        ordered = tuple(sorted(problems, key=problem_order))
        result = Checked(
            ordered, len(self.paths), tuple(sorted(broken)), tuple(self.paths), built.notices
        )
        memory.last_result = _answer(result)
        memory.checked_against = self.state
        memory.list_view = self.view.keep(self.blobs.get("list.toml", NO_BLOB))
        memory.keep(self.files, DEFINED)
        return result


class _SharedWatch(Watch):
    """The definitions' watch. Once they are built, it keeps what the comment files' checks
    need of them and has the helpers told at once, while the definitions' own checks run; when
    many files need those run, and a child may be forked, it shares them out with one —
    forked once the controls' data are read, it has them without their being sent, and answers
    only what each file's checks found and looked at."""

    def __init__(
        self,
        rerun: set[str],
        remembered: Mapping[str, str],
        found: Mapping,
        definitions: _Definitions,
    ) -> None:
        super().__init__(rerun, remembered, found)
        self.definitions = definitions

    def built(self, manifest: Manifest | None, outlines: Mapping[str, Outline]) -> None:
        self.definitions.keep_built(manifest, outlines)

    def check_each(self, runs: Sequence[tuple[str, CheckRun]]) -> list[Problem]:
        due = [(file, run) for file, run in runs if self.needs_check(file)]
        in_child = self.definitions.in_child
        if in_child is None or len(due) < processes.WORTH_SHARING or not processes.can_fork():
            self.definitions.built_now()
            return super().check_each(runs)

        def checked(part: Sequence[tuple[str, CheckRun]]) -> dict[str, tuple[str, tuple]]:
            for file, run in part:
                self.check(file, run)
            return {file: self.seen[file] for file, _ in part}

        def meanwhile() -> None:
            # the helpers told once the child is forked: the sending thread would stop a fork
            self.definitions.built_now()
            # the definitions' read cache, complete once their data are read, written while
            # the child checks (it then takes more of the checks) rather than after
            self.definitions.files.save()

        shared = processes.share(checked, due, in_child, meanwhile=meanwhile)
        for answered in shared:
            self.seen.update(answered)
        return [
            p
            for file, run in runs
            for p in (self.seen[file][1] if file in self.seen else self.check(file, run))
        ]


class _Comments:
    """The comments, bucket by bucket: each bucket this process takes is walked and read at
    once (`_Bucket.walk`), and checked across files once the definitions are known (`defined`:
    None until then). The buckets a helper walked before they came, when another process
    would check them about as quickly (`_Bucket.worth_handing_on`), it hands on (`handed`) to
    be checked by whoever is free: the first process, done with the definitions, need not
    wait for a helper that walked every bucket while it built them."""

    def __init__(
        self,
        files: ListIndex,
        cutoff: int,
        listings: source.Listings,
        buckets: processes.Tasks,
        handed: processes.Handed,
        defined: Callable[[], Defined | None],
        listed: tuple[Any, Any] | None = None,
    ) -> None:
        self.files, self.cutoff, self.buckets, self.defined = files, cutoff, buckets, defined
        self.handed = handed
        self.held: dict[int, _Bucket] = {}  # the buckets handed on, as walked here
        # per bucket, its files: a plain file by its path, a link as the walk judged it
        self.items: dict[int, list[Any]] = defaultdict(list)
        if listed is not None and listed[0] is not None:  # (another process's walk)
            self.items.update(listed[0])
            listings.adopt(listed[1])
        else:
            for found in source.batches(files.root, COMMENT_FOLDERS, read=False, listings=listings):
                if isinstance(found, Entry):
                    if found.path != "list.toml":
                        self.items[bucket_of(found.path)].append(found)
                elif found[0]:  # (not list.toml's)
                    paths = [found[0] + name for name in found[2]]
                    for path, bucket in zip(paths, map(bucket_of, paths), strict=True):
                        self.items[bucket].append(path)
        self.taken: set[int] = set()

    def listed(self, listings: source.Listings) -> tuple[Any, Any]:
        """What this process found in the comment folders, for another (marshalled; the files
        without their listings when a link is among them)."""
        plain = all(type(f) is str for items in self.items.values() for f in items)
        return (dict(self.items) if plain else None), listings.part()

    def owns(self, section: str) -> bool:
        """The cache files this process writes: those of the buckets it took."""
        return _section_bucket(section) in self.taken

    def owns_or_first(self, section: str) -> bool:
        """The first process's: the rest too."""
        bucket = _section_bucket(section)
        return bucket is None or bucket in self.taken

    def run(self, wait: Callable[[], Defined] | None = None) -> dict[int, Checked]:
        """Buckets until none is left, each checked as soon as the definitions are known:
        until then, kept walked (`wait`: for them to come, once out of buckets); then the
        buckets handed on, until every process has handed on its own."""
        parts: dict[int, Checked] = {}
        waiting: list[_Bucket] = []
        defined = self.defined()
        while (number := self.buckets.take()) is not None:
            bucket = self._walked(number, defined)
            if defined is not None:
                parts[number] = self._finished(bucket, defined)
                continue
            waiting.append(bucket)
            defined = self.defined()
            if defined is not None:
                parts.update(self._hand_on(waiting, defined))
                waiting.clear()
        if waiting:
            assert wait is not None
            defined = wait()
            parts.update(self._hand_on(waiting, defined))
        self.handed.hand_on()  # (nothing, when nothing was waiting: the others' take ends)
        for number in iter(self.handed.take, None):
            if defined is None:
                assert wait is not None
                defined = wait()
            # (one walked by another process is walked again here)
            bucket = self.held.pop(number) if number in self.held else self._walked(number, defined)
            self.taken.add(number)
            parts[number] = self._finished(bucket, defined)
        return parts

    def _hand_on(self, waiting: list[_Bucket], defined: Defined) -> dict[int, Checked]:
        """The buckets walked before the definitions came: handed on when worth it, kept here
        for if this process takes them back; the others checked now."""
        checked: dict[int, Checked] = {}
        passed: list[int] = []
        for bucket in waiting:
            if bucket.worth_handing_on(defined):
                passed.append(bucket.number)
                self.held[bucket.number] = bucket
                self.taken.discard(bucket.number)  # (its cache files: whoever checks it)
            else:
                checked[bucket.number] = self._finished(bucket, defined)
        self.handed.hand_on(passed)
        return checked

    def check(self, numbers: Iterable[int]) -> dict[int, Checked]:
        """These buckets, here and now (the definitions known)."""
        defined = self.defined()
        assert defined is not None
        return {n: self._finished(self._walked(n, defined), defined) for n in numbers}

    def _finished(self, bucket: _Bucket, defined: Defined) -> Checked:
        """A bucket checked, and its cache files written at once (the last process to finish
        has one bucket's to write, not all of its own)."""
        part = bucket.finish(defined)
        self.files.save()
        return part

    def _walked(self, number: int, defined: Defined | None) -> _Bucket:
        self.taken.add(number)
        bucket = _Bucket(self.files, number, self.items.get(number, []), self.cutoff, defined)
        bucket.walk()
        return bucket


def _section_bucket(section: str) -> int | None:
    """The bucket a cache section is of ('stamps-discussion.3', 'checked-comments.3': 3), if any."""
    head, dot, number = section.rpartition(".")
    if dot and number.isdigit() and (head.endswith(COMMENT_FOLDERS) or head == COMMENTS_MEMORY):
        return int(number)
    return None


class _Bucket:
    """The comment files of one bucket, with their memory ("checked-comments.<number>")."""

    def __init__(
        self,
        files: ListIndex,
        number: int,
        items: list[Any],
        cutoff: int,
        defined: Defined | None,
    ) -> None:
        self.files, self.number, self.items, self.cutoff = files, number, items, cutoff
        self.defined = defined  # None until known: each file's checks wait until then
        self.name = f"{COMMENTS_MEMORY}.{number}"
        self.memory = CheckMemory.of(files, self.name)
        self.paths: list[str] = []
        self.read_now: dict[str, bytes] = {}  # path: stamp to remember, for each file read
        self.moves: dict[str, Move] = {}  # the files read that change a status
        # path: (its bytes, or its entry; its record), not checked yet
        self.made: dict[str, tuple[Entry | bytes, Any]] = {}
        self.broken: dict[str, list[Problem]] = defaultdict(list)
        self.watch = Watch(set(), {}, {})  # runs every check it is given, noting what it saw
        self.cross: dict[str, list[Problem]] = {}  # the checks' problems, located
        self.ahead = source.ReadAhead(str(files.root), items)  # how the walk reads its files

    def walk(self) -> None:
        """Stat every file; read and make into its record each whose stamp is not the one
        remembered (what needs no definitions). The loop is the whole cost of a check when
        nothing changed: 10^5 files, one stat each, no objects it can avoid."""
        seen, files, cutoff = self.memory.stamps, self.files, self.cutoff
        pack, stat = STAT_STAMP.pack, os.stat
        paths, top = self.paths, str(files.root)
        for found in self.items:
            if type(found) is str:
                path = found
                where = f"{top}/{path}"
                try:
                    st = stat(where)
                except OSError:
                    found = source.walk_file(path, where)
                else:
                    # cache.packed_stamp, written out: 10^5 calls
                    stamp = pack(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                    last = seen.get(path)
                    paths.append(path)
                    if last is None or not last.startswith(stamp):
                        self._stated(path, where, st, stamp, self.ahead.read)
                    continue
            entry, _ = _linked(files, found, cutoff)
            paths.append(entry.path)
            self._read(entry.path, entry, NO_STAMP, kind_of(entry.path))  # every time

    def _stated(
        self,
        path: str,
        where: str,
        st: os.stat_result,
        stamp: bytes,
        read: Callable[[str, int], bytes] | None = None,
    ) -> None:
        """A file whose stamp is not the one remembered: read (not hashed: the comments are
        checked again whenever its stamp moves, whatever its content). `read`: how (the walk's
        reads come in the bucket's order: `source.ReadAhead`)."""
        kind = kind_of(path)
        found = _read_changed(path, where, st, stamp, self.cutoff, kind, read)
        self._read(path, *found, kind)

    def _read(self, path: str, item: Any, stamp: bytes, kind: str | None) -> None:
        self.read_now[path] = stamp
        made: tuple[Entry | bytes, Comment | PublicComment] | None
        if type(item) is bytes:  # read just now: its record straight from the bytes
            assert kind is not None  # (a file of no known kind is not read: see _read_changed)
            record = loading.comment_from_bytes(path, kind, item, self.broken)
            made = None if record is None else (item, record)
        else:
            made = loading.comment_record(_entry_of(path, item), kind, reader.read, self.broken)
        if made is None:
            return
        record = made[1]
        if kind == "comment" and (said := cast("Comment", record)).transition is not None:
            move = (path, said.control, said.author, said.at)
            self.moves[path] = (*move, said.transition.before, said.transition.after)
        if self.defined is None:
            self.made[path] = made  # (its bytes with it: located when a check finds something)
        else:
            self._check(path, *made)

    def _check(self, path: str, entry: Entry | bytes, record: Any) -> None:
        """A file's cross-file checks (the definitions known), its problems located in its
        bytes (or its entry's)."""
        assert self.defined is not None
        manifest, controls = self.defined.definitions()
        reported = loading.comment_checks(record, manifest, controls, self.watch)
        if reported:
            self.cross[path] = [loading.located(p, entry) for p in reported]

    def _again(self, path: str) -> None:
        """A file whose stamp had not moved, to be checked again (a control its checks looked
        at changed): stat'ed and read afresh, as a changed one is."""
        where = f"{self.files.root}/{path}"
        try:
            st = os.stat(where)
        except OSError:
            self._read(path, source.walk_file(path, where), NO_STAMP, kind_of(path))
            return
        self._stated(path, where, st, cache.packed_stamp(st))

    def unchanged(self, defined: Defined) -> bool:
        """Every file has the stamp it had, and the definitions are the ones it was checked
        against: its answer is the last one."""
        memory = self.memory
        return (
            not self.read_now
            and len(self.paths) == len(memory.stamps)
            and bool(memory.last_result)
            and memory.checked_against == defined.state
        )

    def worth_handing_on(self, defined: Defined) -> bool:
        """Whether another process, walking it again, would check it about as quickly as this
        one: checking it is work (it is not `unchanged`), and its walk read few of its files
        (at most one in HAND_ON_READ)."""
        return not self.unchanged(defined) and len(self.read_now) * HAND_ON_READ <= len(self.paths)

    def finish(self, defined: Defined) -> Checked:
        """The bucket's problems: those of the files read and of the files whose checks depends_on
        at definitions that changed, checked now; the others' as remembered. Remembered."""
        memory = self.memory
        last = memory.last_result
        if self.unchanged(defined):
            return _remembered(last, self.paths)
        depends_on = memory.dependencies()
        seen, found, against = memory.stamps, memory.found, memory.checked_against
        present = set(self.paths)
        rerun = set(self.read_now)
        if against != defined.state:
            if against and against == defined.before and "list.toml" not in defined.changed:
                rerun |= _depending_on(depends_on, defined.changed) & present
            else:  # checked against other definitions (or never): every file again
                rerun = present
        self.defined = defined
        for path, made in self.made.items():
            self._check(path, *made)
        self.made.clear()  # (and the bytes of the files with them)
        for path in rerun - self.read_now.keys():
            self._again(path)
        cross, ran = self.cross, self.watch.seen
        _remember_seen(seen, present, self.read_now)
        for path in (depends_on.keys() | found.keys()) - present:
            depends_on.pop(path, None)
            found.pop(path, None)
        for path in rerun:
            if path in ran:
                depends_on[path] = ran[path][0]
            else:  # broken, or of no known kind: its problems depend on no control
                depends_on.pop(path, None)
            own, reported = self.broken.get(path), cross.get(path)
            if own or reported:
                mine = [*(own or ()), *(reported or ())]
                found[path] = (path in self.broken, tuple(map(_problem_tuple, mine)))
            else:
                found.pop(path, None)
        moves = {m[0]: m for m in last.get("moves", ()) if m[0] in present}
        for path in self.read_now:
            moves.pop(path, None)
        moves.update(self.moves)
        problems, notices, broken = [], [], []
        for path, (was_broken, kept) in found.items():
            if was_broken and notices_only(kept):
                notices += kept  # not a list file: said, not broken
                continue
            problems += kept
            if was_broken:
                broken.append(path)
        result = Checked(
            tuple(Problem(*p) for p in problems),
            len(self.paths),
            tuple(sorted(broken)),
            tuple(self.paths),
            tuple(Problem(*p) for p in notices),
            tuple(moves.values()),
        )
        memory.last_result = _answer(result)
        memory.checked_against = defined.state
        memory.keep(self.files, self.name)
        return result
