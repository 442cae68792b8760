"""A list read at any git revision without a checkout.

A revision is read with `git ls-tree` and one `git cat-file --batch` process, turned into the
same `Entry` values the folder walk yields and fed to the same `load.build`, so a bad file at a
revision is reported exactly as in the working tree. Parsing is the slow part: read results are
kept by store.index.cache keyed by the file's git blob id (a content hash), so a second
revision, or the working tree, parses only the files that changed, and a known blob is not even
read.
"""

from __future__ import annotations

import contextlib
import hashlib
import posixpath
from collections import Counter
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from curator.core.model import ControlList
from curator.core.problems import InvalidValue, Problem
from curator.store.formats import read as reader
from curator.store.formats.layout import DEFINITIONS, FOLDERS, kind_of
from curator.store.formats.read import MAX_BYTES, Read
from curator.store.git.plumbing import (
    LINK_MODE,
    LITERAL,
    BlobReader,
    ListPlace,
    TooLarge,
    resolve,
    run,
    run_together,
)
from curator.store.index.cache import ListIndex, ReadCache, gc_paused
from curator.store.index.cross_checks import Unchecked, Watch
from curator.store.index.load import build, kept_as, load
from curator.store.index.source import Entry, misplaced, stray_folder

# ---------------------------------------------------------------- the read cache

# for reads outside a list's own cache (a control's history, CURATOR_CACHE=0): one per process
SHARED_CACHE = ReadCache()

MANY_PATHS = 2000  # paths named on one git command line at most


# ---------------------------------------------------------------- a list at a revision


@dataclass(frozen=True)
class TreeFile:
    path: str  # inside the list folder
    mode: str
    blob: str
    size: int | None  # None: not listed (the blob reader refuses one too large to hold)


def tree_files(
    place: ListPlace, commit: str, folders: Sequence[str] | None = None
) -> list[TreeFile]:
    """Every file under the list folder at `commit`, or only list.toml and `folders`, with
    their sizes, in one `git ls-tree` (sizes make git look up every blob)."""
    args = ["ls-tree", "-r", "-l", "-z", "--full-tree", commit]
    if folders is not None:
        args += ["--", *(place.prefix + name for name in ("list.toml", *folders))]
    elif place.prefix:
        args += ["--", place.prefix]
    return _tree_files(place, run(place.top, *args, env=LITERAL).stdout)


def _tree_files(
    place: ListPlace, listed: bytes, wanted: Callable[[str], bool] | None = None
) -> list[TreeFile]:
    """`git ls-tree -z`'s output (with sizes, `-l`, or without) as the list's files (those
    `wanted`, by their path in the list, when given)."""
    files = []
    for record in listed.decode("utf-8", "replace").split("\0"):
        if not record:
            continue
        meta, path = record.split("\t", 1)
        if not path.startswith(place.prefix):
            continue
        path = path[len(place.prefix) :]
        if wanted is not None and not wanted(path):
            continue
        mode, kind, blob, *size = meta.split()
        if kind == "blob":  # submodules are not list files
            files.append(TreeFile(path, mode, blob, int(size[0]) if size else None))
    return files


def tree_files_of(place: ListPlace, commit: str, folders: Sequence[str]) -> list[TreeFile]:
    """`tree_files` for list.toml and `folders`; all of them if one is a link (a link may
    point into any folder)."""
    files = tree_files(place, commit, None if tuple(folders) == FOLDERS else folders)
    return tree_files(place, commit) if any(f.mode == LINK_MODE for f in files) else files


# where a list file lies in each folder: controls/<file>, discussion/<control>/<file>
DEPTH = {"controls": 2, "catalogue": 2, "discussion": 3, "public-comments": 3}


def _placed(
    files: Sequence[TreeFile], folders: Sequence[str], leave_out: Set[str]
) -> tuple[list[TreeFile], list[Entry]]:
    """The files `source.walk` yields (list.toml, and *.toml where list files lie in `folders`),
    and what the walk says of those that lie where none belongs (a folder in controls/ or
    catalogue/ or in a control's discussion, a list file straight in discussion/), once per
    folder: a revision reads them no more than the working tree does, and says so."""
    chosen: list[TreeFile] = []
    strays: dict[str, Entry] = {}
    for f in files:
        path = f.path
        top, _, rest = path.partition("/")
        depth = DEPTH.get(top)
        if depth is None or top not in folders:
            if path == "list.toml":
                chosen.append(f)
            continue
        name = rest.rpartition("/")[2]
        listed = name.endswith(".toml") and not name.startswith(".")
        below = rest.count("/") - (depth - 2)  # folders below where list files lie
        if below == 0:
            if listed:
                chosen.append(f)
        elif below > 0:
            folder = "/".join(path.split("/", depth)[:depth])
            if folder not in strays:
                strays[folder] = stray_folder(folder)
        elif listed:
            strays[path] = misplaced(path)
    chosen = [f for f in chosen if f.path not in leave_out]
    return chosen, [e for e in strays.values() if e.path not in leave_out]


def _walk_order(path: str) -> tuple[int, tuple[str, ...]]:
    parts = path.split("/")
    rank = 0 if path == "list.toml" else 1 + FOLDERS.index(parts[0])
    return (rank, tuple(parts))


def entries_at(
    place: ListPlace,
    commit: str,
    revision: str,
    cache: ReadCache,
    folders: Sequence[str] = FOLDERS,
    files: list[TreeFile] | None = None,
    leave_out: Set[str] = frozenset(),
    shared: BlobReader | None = None,
) -> list[Entry]:
    """The list's files at `commit` as `Entry` values, in the folder walk's order (list.toml
    and `folders`, but not the paths in `leave_out`). A file whose blob the cache already
    knows is not read at all: its entry carries the known result. `shared`: a `cat-file`
    process to use (one is started otherwise)."""
    if files is None:
        files = tree_files_of(place, commit, folders)
    if not any(f.path == "list.toml" for f in files):
        where = f"'{place.folder}'" if place.prefix else "the repository root"
        raise InvalidValue(f"there is no list at {where} in revision '{revision}'")
    by_path = {f.path: f for f in files}
    chosen, strays = _placed(files, folders, leave_out)
    chosen.sort(key=lambda f: _walk_order(f.path))
    with contextlib.nullcontext(shared) if shared is not None else BlobReader(place.top) as blobs:
        links = [f for f in chosen if f.mode == LINK_MODE]
        link_text = blobs.read([f.blob for f in links])
        targets: dict[str, TreeFile | Problem] = {f.path: f for f in chosen}
        for f in links:
            targets[f.path] = _link_target(f, link_text.get(f.blob), by_path)
        known: dict[str, Read] = {}
        wanted: set[str] = set()
        # few files of a folder whose results are many: path, kind, blob id
        parsed_here: list[tuple[str, str, str]] = []
        per_folder = Counter(p.partition("/")[0] for p in targets)
        for path, target in targets.items():
            if not isinstance(target, TreeFile) or (target.size or 0) > MAX_BYTES:
                continue
            kind = kind_of(path)
            if kind and not cache.worth_looking_up(path, per_folder[path.partition("/")[0]]):
                parsed_here.append((path, kind, target.blob))
                result = None
            else:
                result = cache.known(kind, path, target.blob) if kind else None
            if result is None:
                wanted.add(target.blob)
            else:
                known[path] = result
        contents = blobs.read_within(sorted(wanted), MAX_BYTES)
    for path, kind, blob in parsed_here:
        raw = contents.get(blob)
        if type(raw) is bytes:
            known[path] = reader.read(kind, path, raw)
    entries = [_entry(place.top, f.path, targets[f.path], contents, known) for f in chosen]
    if not strays:
        return entries
    return sorted([*entries, *strays], key=lambda e: _walk_order(e.path))


def _entry(
    top: Path,
    path: str,
    target: TreeFile | Problem,
    contents: Mapping[str, bytes | TooLarge | None],
    known: Mapping[str, Read],
) -> Entry:
    if isinstance(target, Problem):
        return Entry(path, None, target)
    found = contents.get(target.blob)
    # (the reader's word, when not listed)
    size = found.size if isinstance(found, TooLarge) else target.size
    if size is not None and size > MAX_BYTES:
        message = f"file is {size:,} bytes; the limit is {MAX_BYTES:,}"
        return Entry(path, None, Problem(path, None, "", "file-too-large", message))
    raw = found if isinstance(found, bytes) else None
    if path in known:  # bytes not read are fetched only if a problem needs a line number
        return Entry(path, raw, result=known[path], fetch=partial(_blob, top, target.blob))
    if raw is None:
        return Entry(path, None, Problem(path, None, "", "unreadable", "cannot read it from git"))
    return Entry(path, raw)


def _blob(top: Path, blob: str) -> bytes:
    done = run(top, "cat-file", "blob", blob, check=False)
    if done.returncode != 0:
        raise OSError(f"git cannot read blob {blob}")
    return done.stdout


def _link_target(
    link: TreeFile, target: bytes | None, files: Mapping[str, TreeFile]
) -> TreeFile | Problem:
    """What a symbolic link at a revision points to: a file inside the list, or a refusal."""
    name = (target or b"").decode("utf-8", "replace")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(link.path), name))
    found = files.get(resolved)
    if not name or name.startswith("/") or resolved.startswith("..") or found is None:
        message = "link points outside the list folder; not read"
        return Problem(link.path, None, "", "outside-list", message)
    if found.mode == LINK_MODE:
        return Problem(link.path, None, "", "outside-list", "links to links are not read")
    return found


def load_revision(
    place: ListPlace,
    revision: str,
    cache: ReadCache | None = None,
    folders: Sequence[str] = FOLDERS,
    watch: Watch | None = None,
) -> ControlList:
    """The list as it was at `revision` (list.toml and `folders`), read straight from git
    objects. By default through the list's own read cache (store.index.cache), which the working
    tree fills too: a revision close to the working tree is loaded parsing only the files that
    differ. `watch` as in `load.build`."""
    commit = resolve(place.top, revision)
    if cache is not None:
        return build(entries_at(place, commit, revision, cache, folders), cache.read, watch)
    disk = ListIndex.of(place.root)
    if disk is None:
        entries = entries_at(place, commit, revision, SHARED_CACHE, folders)
        return build(entries, SHARED_CACHE.read, watch)
    with disk, gc_paused():
        files = tree_files_of(place, commit, folders)
        # a revision's definitions as built are kept whole too (the release `publish` and
        # `diff` compare with, again and again): by the tree's files, one unpickling
        kept = kept_as(folders, watch)
        state = _tree_state(files) if kept else b""
        if kept and (found := disk.built(f"revision-{kept}", state)) is not None:
            return found
        loaded = build(entries_at(place, commit, revision, disk, folders, files), disk.read, watch)
        if kept:
            disk.keep_built(f"revision-{kept}", state, loaded)
        return loaded


def _tree_state(files: Sequence[TreeFile]) -> bytes:
    """A digest of a tree's files: each one's path, mode and blob id."""
    listed = "\0".join(f"{f.mode} {f.blob} {f.path}" for f in files)
    return hashlib.sha1(listed.encode("utf-8", "surrogateescape"), usedforsecurity=False).digest()


def load_differing(
    place: ListPlace, source: str, target: str, folders: Sequence[str] = DEFINITIONS
) -> tuple[ControlList, ControlList]:
    """Two revisions for a diff: list.toml and `folders` of each, less the controls whose file
    is the same blob in both — a file that did not change cannot change a diff, and a release
    diff touches a few controls of thousands. Being partial, the lists carry each file's own
    problems but no cross-file ones (a reference to a control left out is not an error)."""
    # the process that reads the blobs, started now: it knows the commits too
    with BlobReader(place.top) as blobs:
        old_commit, new_commit = blobs.commits((source, target))
        changed, listing, links = changed_files(place, old_commit, new_commit, folders)
        controls = [p for p in changed if p.startswith("controls/")]
        if links or len(controls) > MANY_PATHS:
            # a link may point anywhere, and a command line has its limits: list everything
            old_files = tree_files_of(place, old_commit, folders)
            new_files = tree_files_of(place, new_commit, folders)
            before = {f.path: (f.blob, f.mode) for f in old_files}
            same = {
                f.path
                for f in new_files
                if f.path.startswith("controls/")
                and f.mode != LINK_MODE
                and before.get(f.path) == (f.blob, f.mode)
            }
        else:  # both sides from what git said already; no sizes (git looks every blob up for
            # them): the blob reader refuses one too large
            old_files, new_files = _sides(place, listing, changed, folders)
            same = set()
        disk = ListIndex.of(place.root)
        cache = disk if disk is not None else SHARED_CACHE
        with disk or contextlib.nullcontext(), gc_paused():
            sides = tuple(
                build(
                    entries_at(place, commit, name, cache, folders, files, same, blobs),
                    cache.read,
                    watch=Unchecked(),
                )
                for commit, name, files in (
                    (old_commit, source, old_files),
                    (new_commit, target, new_files),
                )
            )
    return sides[0], sides[1]


def changed_files(
    place: ListPlace, old: str, new: str, folders: Sequence[str]
) -> tuple[dict[str, tuple[str, str]], bytes, bool]:
    """The list files that differ between two commits (list.toml and `folders`), each with its
    mode and blob id in `old` (a blob id of zeros: not there); the listing of those in `new`
    (`git ls-tree -z`, no sizes); and whether either side has a link among them. One `git
    diff-tree` and one `git ls-tree`, run together."""
    where = [place.prefix + name for name in ("list.toml", *folders)]
    differ, listed = run_together(
        place.top,
        ["diff-tree", "-r", "-z", "--no-renames", old, new, "--", *where],
        ["ls-tree", "-r", "-z", "--full-tree", new, "--", *where],
        env=LITERAL,
    )
    fields = differ.stdout.decode("utf-8", "replace").split("\0")
    changed: dict[str, tuple[str, str]] = {}
    links = False
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        old_mode, new_mode, old_blob = meta.lstrip(":").split(" ", 3)[:3]
        links = links or LINK_MODE in (old_mode, new_mode)
        changed[path.removeprefix(place.prefix)] = (old_mode, old_blob)
    # a link the same in both is in the new tree; a link on one side only is among the changes
    listing = listed.stdout
    links = links or listing.startswith(b"120000 ") or b"\0120000 " in listing
    return changed, listing, links


def _sides(
    place: ListPlace,
    listing: bytes,
    changed: Mapping[str, tuple[str, str]],
    folders: Sequence[str],
) -> tuple[list[TreeFile], list[TreeFile]]:
    """The files a diff reads at each revision (list.toml, the folders read whole, the controls
    that changed), from the newer tree's listing and each changed file's mode and blob id in the
    older one."""
    whole = tuple(f"{name}/" for name in folders if name != "controls")

    def read(path: str) -> bool:
        return path == "list.toml" or path.startswith(whole) or path in changed

    new = _tree_files(place, listing, read)
    old = {f.path: f for f in new}
    for path, (mode, blob) in changed.items():
        if mode in ("000000", "160000"):  # not in the older tree, or not a file there
            old.pop(path, None)
        else:
            old[path] = TreeFile(path, mode, blob, None)
    return list(old.values()), new


def load_side(
    place: ListPlace, root: Path, revision: str | None, folders: Sequence[str] = FOLDERS
) -> ControlList:
    """A revision, or the working tree (the folder loader) when `revision` is None."""
    if revision is None:
        return load(root, folders=folders)
    return load_revision(place, revision, folders=folders)
