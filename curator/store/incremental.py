"""`curator check`, incremental and shared between processes.

`check` is `load(root)`'s problems computed incrementally: it remembers, per file, the problems
found and which controls its cross-file checks looked at (`Watch`), and re-runs the real
`load.build` over list.toml, the controls and only the files whose content — or whose
controls — changed.

A large list is checked by a process per core (`Shard`). Every process reads and builds the
definitions (list.toml, the controls, the catalogue); the files of what was said (discussion,
public comments: 10^5 of them) are dealt out by a hash of their path, the same hash that splits
their cache sections into buckets, so each process reads, checks and remembers its own share.
The definitions' cross-file checks (10^4 controls' criteria) are dealt out by the same hash, and
each file's problems are reported by one process. This holds because a said file's problems
depend on that file and the definitions alone (a test compares a shared check with a single
one). Each process writes only its own cache files. A process that fails has its share checked
again by the first.
"""

from __future__ import annotations

import bisect
import contextlib
import marshal
import os
import pickle
import re
import signal
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curator.core.problems import Problem
from curator.store import cache, source
from curator.store import read as reader
from curator.store.cache import (
    NO_BLOB,
    SAID,
    STAMP,
    ListCache,
    blob_digest,
    bucket_of,
    folder_of,
    gc_paused,
)
from curator.store.source import Entry, kind_of, walk, with_bytes

ALL = "#controls"  # a check that went through every control depends on all of them
MANY = 2000  # files to re-check above which their parsed contents are kept too
SHARED_FROM = 5000  # files in a list from which its check is shared between processes
CONTROLS_KEPT = b"path: (blob id, control)"  # what "check-controls" holds (no list state)
MEMORY = {"seen", "looked", "found", "said"}  # the parts of a check's memory
NO_STAMP = bytes(STAMP.size)  # a stamp too recent to trust: never the same as a file's


@dataclass(frozen=True)
class Checked:
    """What `curator check` reports: the problems, how many files, which could not be used."""

    problems: tuple[Problem, ...]
    files: int
    broken: tuple[str, ...]
    paths: tuple[str, ...]  # every file looked at

    @property
    def usable(self) -> list[str]:
        """The list files that loaded cleanly (the ones `fmt` may rewrite), sorted."""
        broken = set(self.broken)
        return sorted(p for p in self.paths if kind_of(p) is not None and p not in broken)


class Watch:
    """For `load.build`: runs the cross-file checks of the files that need it, noting which
    controls each looked at; answers the others with what they reported last time."""

    def __init__(
        self,
        rerun: set[str],
        remembered: Mapping[str, bytes],
        found: Mapping,
        others: Set[str] = frozenset(),
    ) -> None:
        self.rerun = rerun
        self.remembered = remembered  # the files the last check saw
        self.found = found  # path: (broken, problems, checked) for files that had problems
        self.others = others  # files another share checks and reports
        self.seen: dict[str, tuple[tuple[str, ...], tuple[Problem, ...]]] = {}

    def check(self, file: str, run: Callable[[Callable], Iterable[Problem]]) -> list[Problem]:
        if file in self.others:
            return []
        if file in self.remembered and file not in self.rerun:
            last = self.found.get(file)
            return [Problem(*p) for p in last[2]] if last else []
        seen: set[str] = set()
        reported = list(run(lambda controls: _seen(controls, seen)))
        # kept as tuples (10^5 files: a set and a list each would hold 20 MB more)
        self.seen[file] = (tuple(seen), tuple(reported))
        return reported


class Unchecked(Watch):
    """For a list loaded in part (a diff's changed controls): cross-file checks would report
    references to the files left out, so none is run; each file's own problems still are."""

    def __init__(self) -> None:
        super().__init__(set(), {}, {})

    def check(self, file: str, run: Callable[[Callable], Iterable[Problem]]) -> list[Problem]:
        return []


def _seen(controls: Any, seen: set[str]) -> Any:
    return _SeenIds(controls, seen) if isinstance(controls, Set) else _SeenMap(controls, seen)


class _Noting:
    """What a check is given of the controls, noting which ids it asked about (ALL: it went
    through every one)."""

    def __init__(self, inner: Any, seen: set[str]) -> None:
        self.inner, self.seen = inner, seen

    def __contains__(self, key: object) -> bool:
        self.seen.add(str(key))
        return key in self.inner

    def __iter__(self) -> Iterator:
        self.seen.add(ALL)
        return iter(self.inner)

    def __len__(self) -> int:
        self.seen.add(ALL)
        return len(self.inner)


class _SeenMap(_Noting, Mapping):
    """The controls by id."""

    def __getitem__(self, key: Any) -> Any:
        self.seen.add(str(key))
        return self.inner[key]


class _SeenIds(_Noting, Set):
    """The control ids."""


def check(root: Path, processes: int | None = None) -> Checked:
    """The problems `load(root)` finds, its file count and broken files — reusing what the
    last check found for every file whose content, and whose controls, did not change.
    `processes`: how many share the check (by default one per core, up to the buckets, for a
    list of SHARED_FROM files or more)."""
    files = ListCache.of(root)
    if files is None:
        from curator.store.load import load

        loaded = load(root)
        paths = tuple(e.path for e in walk(Path(root), read=False))
        return Checked(loaded.problems, loaded.files, tuple(sorted(loaded.broken)), paths)
    count = processes or _processes(files)
    # paused to the end, merging included: the first collection after 10^6 new objects goes
    # through all of them (a sixth of a second) and finds nothing to collect
    with gc_paused():
        if count == 1:
            return _check_shard(files, Shard(0, 1))
        cache.validity()  # worked out once, before the processes part
        shards = [Shard(i, count) for i in range(count)]
        jobs = [lambda s=s: _check_shard(ListCache.of(root), s) for s in shards]
        return _merged(in_processes(jobs))


@dataclass(frozen=True)
class Shard:
    """One process's share of a check: it reads every definition file and the said files (and
    their cache buckets) whose bucket is `index` modulo `count`; it runs the cross-file checks
    of, and reports, the files of either kind whose bucket that is."""

    index: int
    count: int

    def takes(self, path: str) -> bool:
        return not _said(path) or self.reports(path)

    def reports(self, path: str) -> bool:
        return self.count == 1 or bucket_of(path) % self.count == self.index

    def reads(self, folder: str) -> bool:
        """The cache sections (by list folder or bucket) this share reads."""
        bucket = _bucket(folder)
        return bucket is None or bucket % self.count == self.index

    def owns(self, section: str) -> bool:
        """The cache files this share writes: its buckets, its memory; the first, the rest."""
        part, _, folder = section.partition("-")
        if part == "checked":
            return True  # named for the share (`memory`)
        if section == "built-check-controls":
            return self.index == self.count - 1  # see _IncrementalCheck.run
        if part in ("stamps", "results") and _bucket(folder) is not None:
            return self.reads(folder)
        return self.index == 0

    def memory(self, name: str) -> str:
        """The name of one of the check's memory sections, for this share."""
        return (
            f"checked-{name}" if self.count == 1 else f"checked-{name}~{self.index}of{self.count}"
        )


def _processes(files: ListCache) -> int:
    """One per core (at most one per bucket), unless the list is known to be small."""
    cores = min(os.cpu_count() or 1, cache.BUCKETS)
    known = files._section("size", int)
    if cores < 2 or (known and known < SHARED_FROM) or not cache._can_fork():
        return 1
    return 1 << (cores.bit_length() - 1)  # a power of two, so shares hold whole buckets


def _check_shard(files: ListCache | None, shard: Shard) -> Checked:
    """One share's check, reporting its own files (`Shard.reports`)."""
    assert files is not None
    files.owns = shard.owns
    files.parallel = shard.count == 1  # the shares are the processes
    from curator.store.load import build

    with files, gc_paused():
        checked = _IncrementalCheck(files, build, shard).run()
    if shard.count == 1:
        return checked
    # every share finds the definitions' own problems (it builds them all): one reports them
    said_from = _said_from(checked.paths)
    paths = (
        *(p for p in checked.paths[:said_from] if shard.reports(p)),
        *checked.paths[said_from:],
    )
    return Checked(
        tuple(p for p in checked.problems if shard.reports(p.file)),
        len(paths),
        tuple(b for b in checked.broken if shard.reports(b)),
        paths,
    )


def _merged(parts: Sequence[Checked]) -> Checked:
    """The shares' results as one."""
    from curator.store.load import _order

    problems = sorted((p for part in parts for p in part.problems), key=_order)
    paths = tuple(p for part in parts for p in part.paths)
    broken = sorted(b for part in parts for b in part.broken)
    return Checked(tuple(problems), len(paths), tuple(broken), paths)


def _bucket(folder: str) -> int | None:
    """The bucket a cache section's folder name is, if it is one ('discussion.3': 3)."""
    top, dot, bucket = folder.rpartition(".")
    return int(bucket) if dot and top in SAID else None


def _said_from(paths: Sequence[str]) -> int:
    """Where the said files begin among `paths` in walk order (source.FOLDERS: the definitions
    come first): found by bisection, not by looking at 10^5 paths."""
    return bisect.bisect_left(paths, True, key=_said)


def _said(path: str) -> bool:
    return _top(path) in SAID


def _top(path: str) -> str:
    """The list folder a path is in ('list.toml' for list.toml)."""
    slash = path.find("/")
    return path[:slash] if slash > 0 else path


def in_processes(jobs: Sequence[Callable[[], Any]]) -> list[Any]:
    """What each job returns, the first run here and each other in a forked process (run here
    too if its process fails or cannot be forked). Results come back pickled through a pipe."""
    if len(jobs) < 2 or not cache._can_fork():
        return [job() for job in jobs]
    _collect_exited()
    children: list[tuple[int, int]] = []  # pid, read end of its pipe
    for job in jobs[1:]:
        into, out = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's coverage is not collected
            os.close(into)
            code = 1
            try:
                body = pickle.dumps(job(), pickle.HIGHEST_PROTOCOL)
                with open(out, "wb") as sent:
                    sent.write(body)
                code = 0
            finally:
                os._exit(code)
        os.close(out)
        children.append((pid, into))
    results: list[Any] = [None] * len(jobs)
    bodies: list[bytes | None] = [None] * len(children)
    done = False
    try:
        results[0] = jobs[0]()
        for i, (_, into) in enumerate(children):
            with open(into, "rb", closefd=False) as got:
                bodies[i] = got.read()
        done = True
    finally:
        for i, (pid, into) in enumerate(children):
            os.close(into)
            if done and bodies[i]:
                # sent whole (a cut one does not unpickle and is done again): not waited for
                # while it exits, which frees its memory (10^8 bytes: a sixth of a second)
                _EXITING.append(pid)
                continue
            if not done:  # this process is failing: its helpers' work is not wanted
                _kill(pid)
            _, status = os.waitpid(pid, 0)
            if status != 0:
                bodies[i] = None
    for i, body in enumerate(bodies, start=1):
        try:
            results[i] = pickle.loads(body) if body else jobs[i]()
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            results[i] = jobs[i]()
    return results


# helpers that sent their result, collected by the next call once exited (or by the system
# when this process ends: the `curator` command leaves as soon as it has answered)
_EXITING: list[int] = []


def _collect_exited() -> None:
    """Collect the helpers in _EXITING that have exited since."""
    for pid in list(_EXITING):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid  # collected already
        if done:
            _EXITING.remove(pid)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)


def _problem_tuple(p: Problem) -> tuple:
    return (p.file, p.line, p.key, p.code, p.message)


class _IncrementalCheck:
    """One check (of one share). Its memory ("checked-memory", one cache file so that its parts
    cannot disagree: a damaged one is forgotten whole and every file checked again), per file:
    the stat stamp and blob id it had ("seen"); the blob id and the control files its checks
    looked at, each between NULs ("looked", kept encoded: decoded only when something changed);
    for files that had any, whether broken, its problems and the checks' problems ("found"); and
    the last result ("said").
    "built-check-controls" keeps the controls as built."""

    def __init__(self, files: ListCache, build: Callable[..., Any], shard: Shard) -> None:
        self.files = files
        self.build = build
        self.shard = shard

    def run(self) -> Checked:
        files = self.files
        memory = self._memory()
        line = source.trust_line()
        paths, items, blobs, changed = self._blobs(memory["seen"], line)
        if not changed and len(paths) == len(memory["seen"]) and memory["said"]:
            said = memory["said"]  # every file has the stamp it had: the same answer
            return Checked(
                tuple(Problem(*p) for p in said["problems"]),
                said["files"],
                tuple(said["broken"]),
                tuple(paths),
            )
        self._decode_looked(memory)
        rerun = self._rerun(paths, blobs, changed, memory)
        for path in rerun - items.keys():  # said, its stamp unmoved: the walk kept nothing of it
            items[path], blob, changed[path] = self._again(path, line)
            if blob is not None:
                blobs[path] = blob
        # the controls as built last time, each with the blob id it was built from: those not
        # changed and not to be checked again are not rebuilt (10^4 of them, a third of a second)
        kept = files.built("check-controls", CONTROLS_KEPT) or {}
        reused = {
            p: control
            for p, (blob, control) in kept.items()
            if p not in rerun and blobs.get(p) == blob
        }
        chosen = [
            _entry_of(p, items[p])
            for p in paths
            if p in rerun or p == "list.toml" or (p.startswith("controls/") and p not in reused)
        ]
        # the definitions' cross-file checks are shared out too (10^4 controls' criteria)
        others = {p for p in paths[: _said_from(paths)] if not self.shard.reports(p)}
        watch = Watch(rerun, memory["looked"], memory["found"], others)
        rebuilt = {e.path for e in chosen}
        # the entries (and 10^5 files' bytes) are held by `build` alone, which lets each go
        # once read (a first check's share: 85 MB less held at once)
        resolved = self._resolved(chosen, len(rerun) > MANY, controls=not reused)
        del items, chosen
        given = {control.id: control for control in reused.values()}
        built = self.build(resolved, watch=watch, controls=given, keep_said=False)
        if (
            len(built.controls) - len(reused) > len(built.controls) // 100
            and self.shard.index == self.shard.count - 1
        ):
            # kept again once 1% were rebuilt (rebuilding a few costs less than keeping them
            # all), by the last share: the first has the rest of the list's memory to write
            now = {c.file: (blobs[c.file], c) for c in built.controls.values() if c.file in blobs}
            files.keep_built("check-controls", CONTROLS_KEPT, now)
        return self._record(paths, rebuilt, blobs, changed, built, watch, memory)

    def _memory(self) -> dict[str, Any]:
        name = self.shard.memory("memory")
        kept = self.files._section(name, dict)
        if set(kept) != MEMORY or not all(
            type(value) is (bytes if part == "looked" else dict) for part, value in kept.items()
        ):
            kept = self.files.sections[name] = {part: {} for part in MEMORY}
        return kept

    def _decode_looked(self, memory: dict[str, Any]) -> None:
        """What each file's checks looked at, decoded once something changed (10^5 records: a
        twentieth of a second a check with nothing new does without)."""
        if type(memory["looked"]) is dict:
            return  # a new memory
        try:
            looked = marshal.loads(memory["looked"])
        except (ValueError, EOFError, TypeError):
            looked = None
        if type(looked) is dict:
            memory["looked"] = looked
        else:  # damaged: the memory is forgotten whole, and every file checked again
            memory.update({part: {} for part in MEMORY})

    def _blobs(
        self, seen: dict[str, bytes], line: int
    ) -> tuple[list[str], dict[str, Any], dict[str, bytes], dict[str, bytes]]:
        """Every file of the list (of this share) in walk order; each as an entry or, when its
        stamp is the one recorded, as (path on disk, stat) — except what was said with the
        stamp it had, of which nothing is kept (`_again`); the blob ids of the files that can
        be read, from the stamp when it is the one the last check saw (`seen`) or the read
        cache recorded, else read; and the stamps of the files whose stamp is not the one the
        last check saw (racy ones as NO_STAMP; `line`: see source.trusted). The loop is the
        whole cost of a check when nothing changed: 10^5 files, one stat each, no objects it
        can avoid."""
        files, shard = self.files, self.shard
        keep = shard.takes if shard.count > 1 else None
        listings = source.Listings(files._section(shard.memory("folders"), dict), line, keep)
        pack, size, stat = STAMP.pack, STAMP.size, os.stat
        paths: list[str] = []
        items: dict[str, Any] = {}
        blobs: dict[str, bytes] = {}
        changed: dict[str, bytes] = {}
        defining = True  # the definitions come first in walk order, what was said after them
        for found in source.files(files.root, read=False, listings=listings):
            if type(found) is tuple:
                path, where = found
                try:
                    st = stat(where)
                except OSError:
                    found = source.walk_file(path, where)
                else:
                    # cache.packed_stamp, written out: 10^5 calls
                    stamp = pack(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                    last = seen.get(path)
                    if last is not None and last.startswith(stamp):
                        paths.append(path)
                        if defining and _said(path):
                            defining = False
                        if defining:
                            items[path] = (where, st)
                            blobs[path] = last[size:]
                        continue
                    item, blob, changed[path] = self._fresh(path, where, st, stamp, line)
                    paths.append(path)
                    items[path] = item
                    if blob is not None:
                        blobs[path] = blob
                    continue
            entry = found
            if entry.problem is None and kind_of(entry.path) is not None:
                entry = with_bytes(entry)
                if entry.raw is not None:
                    blob = blobs[entry.path] = blob_digest(entry.raw)
                    files.remember(entry, blob, line)
                    entry = Entry(entry.path, entry.raw, None, entry.stamp, blob=blob)
            if entry.problem is not None:
                changed[entry.path] = NO_STAMP  # never the same as last time: looked at again
            paths.append(entry.path)
            items[entry.path] = entry
        walked = listings.walked()
        if walked is not None:
            files.sections[shard.memory("folders")] = walked
            files.dirty.add(shard.memory("folders"))
        return paths, items, blobs, changed

    def _again(self, path: str, line: int) -> tuple[Any, bytes | None, bytes]:
        """A said file whose stamp had not moved, to be checked again (a control its checks
        looked at changed): stat'ed and read afresh, as a changed one is (`_fresh`)."""
        where = f"{self.files.root}/{path}"
        try:
            st = os.stat(where)
        except OSError:
            return source.walk_file(path, where), None, NO_STAMP
        return self._fresh(path, where, st, cache.packed_stamp(st), line)

    def _fresh(
        self, path: str, where: str, st: os.stat_result, stamp: bytes, line: int
    ) -> tuple[Any, bytes | None, bytes]:
        """A plain file whose stamp is not the one the last check saw: its item for `_blobs`,
        its blob id (read, unless the read cache knows it by its stamp; None for a file of no
        known kind or one that cannot be read) and the stamp to remember it by. Files are read
        here, in the walk: reading each only as `build` parses it measured slower (a first
        check's share took 6.4 s against 5.6 s)."""
        if st.st_size > reader.MAX_BYTES:
            return source.stat_entry(path, where, st), None, NO_STAMP  # a problem, every time
        trusted = source.trusted(st.st_mtime_ns, st.st_ctime_ns, line)
        remembered = stamp if trusted else NO_STAMP
        if kind_of(path) is None:
            return (where, st), None, remembered
        folder = folder_of(path)
        blob = self.files.stamped(path, folder, stamp)  # read by another verb
        if blob is not None:
            return (where, st), blob, remembered
        try:
            raw = source.read_file(where, st.st_size)
        except OSError as err:
            return source.unreadable(path, err), None, NO_STAMP
        blob = blob_digest(raw)
        self.files.note(path, folder, stamp, blob, trusted)
        return Entry(path, raw, None, source.stamp_of(st), blob=blob), blob, remembered

    def _rerun(
        self,
        paths: list[str],
        blobs: dict[str, bytes],
        changed: dict[str, bytes],
        memory: dict[str, dict],
    ) -> set[str]:
        """Files whose problems may differ from last time: new or changed, looked at a control
        that changed, or every file when list.toml changed. Files never remembered (unreadable
        ones, files of no known kind) are always among them."""
        seen, looked = memory["seen"], memory["looked"]
        size = STAMP.size
        last_list = seen.get("list.toml")
        if last_list is None or last_list[size:] != blobs.get("list.toml"):
            return set(paths)
        # only files whose stamp moved can hold other content: 10^5 others are not looked at
        rerun = {
            p
            for p in changed
            if (last := seen.get(p)) is None or last[size:] != blobs.get(p) or p not in looked
        }
        present = set(paths)
        gone = seen.keys() - present
        controls = [p for p in rerun | gone if p.startswith("controls/")]
        if controls:
            names = b"|".join(re.escape(p.encode()) for p in [*controls, ALL])
            looked_at = re.compile(b"\0(?:" + names + b")\0").search
            rerun.update(
                path for path, last in looked.items() if len(last) > 21 and looked_at(last, 20)
            )
        return rerun & present | {"list.toml"}

    def _resolved(self, chosen: list[Entry], many: bool, controls: bool) -> Iterator[Entry]:
        """Files parsed from disk (by `build`) when few, so that their folders' results need not
        be decoded; the definitions through the read cache when many (a first check leaves them
        ready for the TUI's first screen and `publish`), and the controls when `controls` (all
        of them are rebuilt). What was said is parsed by `build` a file at a time, and neither
        its data nor its records are kept (only its files' stamps and blob ids are, for `fmt
        --check` and `load`): the check remembers what it found, and keeping 10^5 parsed
        comments cost a first check a tenth of its time for a `load` that may never come (the
        verbs that read them keep them)."""
        cached = ("controls", "catalogue") if many else ("controls",) if controls else ()
        yield from self.files.resolve(e for e in chosen if _top(e.path) in cached)
        yield from (e for e in chosen if _top(e.path) not in cached)

    def _record(
        self,
        paths: list[str],
        rebuilt: set[str],
        blobs: dict[str, bytes],
        changed: dict[str, bytes],
        built: Any,
        watch: Watch,
        memory: dict[str, dict],
    ) -> Checked:
        """The rebuilt files' problems with the remembered ones of the rest; remember them."""
        seen, remembered, found = memory["seen"], memory["looked"], memory["found"]
        present = set(paths)
        by_file: dict[str, list[Problem]] = defaultdict(list)
        for p in built.problems:
            by_file[p.file].append(p)
        for path in seen.keys() - present:
            del seen[path]
        for path, stamp in changed.items():
            if path in blobs:
                seen[path] = stamp + blobs[path]
            elif stamp != NO_STAMP:  # a file of no known kind: its stamp is enough
                seen[path] = stamp + NO_BLOB
            else:
                seen.pop(path, None)  # unreadable: looked at every time
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
            blob = blobs.get(path)
            if blob is None:
                continue  # unreadable, or of no known kind: looked at afresh every time
            mine = by_file.get(path, ())
            checked: tuple = ()
            deps: list[str] = []
            if path in watch.seen:
                looked, reported = watch.seen[path]
                if reported:  # the common case, none, builds nothing (10^5 files)
                    lines = {(p.key, p.code, p.message): p.line for p in mine}
                    checked = tuple(
                        (p.file, lines.get((p.key, p.code, p.message)), p.key, p.code, p.message)
                        for p in reported
                    )
                deps = [d if d == ALL else f"controls/{d}.toml" for d in looked]
                deps.sort()
            elif path in old and path not in watch.rerun:  # answered from memory
                checked = old_found.get(path, (False, (), ()))[2]
                deps = _deps(old[path])
            remembered[path] = blob + (("\0" + "\0".join(deps) if deps else "") + "\0").encode()
            if mine or checked or path in built.broken:
                found[path] = (path in built.broken, tuple(map(_problem_tuple, mine)), checked)
        from curator.store.load import _order

        ordered = tuple(sorted(problems, key=_order))
        result = Checked(ordered, len(paths), tuple(sorted(broken)), tuple(paths))
        memory["said"] = {
            "problems": [_problem_tuple(p) for p in ordered],
            "files": result.files,
            "broken": list(result.broken),
        }
        memory["looked"] = marshal.dumps(remembered)
        self.files.dirty.add(self.shard.memory("memory"))
        if self.shard.index == 0:
            self.files.sections["size"] = len(paths) * self.shard.count  # near enough
            self.files.dirty.add("size")
        return result


def _deps(record: bytes) -> list[str]:
    return [d.decode() for d in record[21:].split(b"\0") if d]


def _entry_of(path: str, item: Any) -> Entry:
    return item if isinstance(item, Entry) else source.stat_entry(path, *item)
