"""Git plumbing: revisions, release tags, and a list read at any revision without a checkout.

A revision is read with `git ls-tree` and one `git cat-file --batch` process, turned into the
same `Entry` values the folder walk yields and fed to the same `load.build`, so a bad file at a
revision is reported exactly as in the working tree. Parsing is the slow part: read results are
kept by store.cache keyed by the file's git blob id (a content hash), so a second revision, or
the working tree, parses only the files that changed, and a known blob is not even read.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import posixpath
import re
import subprocess
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from curator.core.model import ControlList
from curator.core.problems import CuratorError, InvalidValue, Problem, Unavailable
from curator.store import read as reader
from curator.store.cache import ListCache, ReadCache, gc_paused
from curator.store.incremental import Unchecked, Watch
from curator.store.load import build, kept_as, load
from curator.store.read import MAX_BYTES, Read
from curator.store.source import DEFINITIONS, FOLDERS, Entry, kind_of

WORKTREE = "working tree"
VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*$")
LINK_MODE = "120000"
MANY_PATHS = 2000  # paths named on one git command line at most
LITERAL = {"GIT_LITERAL_PATHSPECS": "1"}  # file names given to git are names, not patterns


# ---------------------------------------------------------------- running git


def run(
    cwd: Path,
    *args: str,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run `git args` in `cwd`; a failure the user can act on becomes a CuratorError."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            env={**os.environ, **(env or {})},
            timeout=600,
        )
    except FileNotFoundError:
        raise Unavailable("git is not installed (or not on PATH)") from None
    except subprocess.TimeoutExpired:
        raise CuratorError(f"git {args[0]} took more than 10 minutes; stopped") from None
    return _checked(done, check)


def run_together(
    cwd: Path, *commands: Sequence[str], env: Mapping[str, str] | None = None
) -> list[subprocess.CompletedProcess[bytes]]:
    """`run` for commands that do not depend on each other, all started at once: a diff's
    git commands take 0.03-0.08 s each, mostly in git, and a machine has more than one core."""
    started: list[subprocess.Popen[bytes]] = []
    try:
        for args in commands:
            started.append(
                subprocess.Popen(
                    ["git", *args],
                    cwd=cwd,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    env={**os.environ, **(env or {})},
                )
            )
        done = []
        for process in started:
            out, err = process.communicate(timeout=600)
            done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    except FileNotFoundError:
        raise Unavailable("git is not installed (or not on PATH)") from None
    except subprocess.TimeoutExpired as late:
        raise CuratorError(f"git {late.cmd[1]} took more than 10 minutes; stopped") from None
    finally:
        for process in started:
            if process.returncode is None:
                process.kill()
                process.wait()
    return [_checked(each, check=True) for each in done]


def _checked(
    done: subprocess.CompletedProcess[bytes], check: bool
) -> subprocess.CompletedProcess[bytes]:
    if check and done.returncode != 0:
        verb = done.args[1]
        message = done.stderr.decode("utf-8", "replace").strip() or f"git {verb} failed"
        raise CuratorError(f"git {verb}: {message}")
    return done


def text(cwd: Path, *args: str) -> str:
    return run(cwd, *args).stdout.decode("utf-8", "replace").strip()


# ---------------------------------------------------------------- where the list is


@dataclass(frozen=True)
class ListPlace:
    """A list folder inside a git repository."""

    top: Path  # the repository's working tree root
    prefix: str  # the list folder inside it: '' or 'lists/emerging-tech/'

    def repo_path(self, rel: str) -> str:
        return self.prefix + rel

    @property
    def root(self) -> Path:
        """The list folder in the working tree."""
        return self.top / self.prefix if self.prefix else self.top

    @property
    def folder(self) -> str:
        return self.prefix.rstrip("/") or "."


def place_of(root: Path) -> ListPlace:
    """Where the list folder `root` sits in its repository (not in one: exit 2)."""
    done = run(root, "rev-parse", "--show-toplevel", "--show-prefix", check=False)
    if done.returncode != 0:
        raise Unavailable(f"{root}: not inside a git repository")
    lines = done.stdout.decode("utf-8").splitlines()
    top = Path(lines[0])
    prefix = lines[1] if len(lines) > 1 else ""
    return ListPlace(top, prefix)


def is_shallow(top: Path) -> bool:
    return text(top, "rev-parse", "--is-shallow-repository") == "true"


def resolve_all(top: Path, *revisions: str) -> list[str]:
    """`resolve` for several revisions, asked of git at once."""
    if any(not r or r.startswith("-") for r in revisions):
        return [resolve(top, r) for r in revisions]  # (the refusal)
    asked = [["rev-parse", "--verify", "--quiet", f"{r}^{{commit}}"] for r in revisions]
    try:
        found = run_together(top, *asked)
    except CuratorError:  # one is unknown: each asked alone, for the message
        return [resolve(top, r) for r in revisions]
    return [done.stdout.decode().strip() for done in found]


def resolve(top: Path, revision: str) -> str:
    """The commit id of `revision`; unknown revisions are a usage error (exit 2)."""
    if not revision or revision.startswith("-"):
        raise InvalidValue(f"'{revision}' is not a revision")
    done = run(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", check=False)
    if done.returncode == 0:
        return done.stdout.decode().strip()
    message = f"unknown revision '{revision}': not a commit, branch or tag in this repository"
    if is_shallow(top):
        message += (
            " (this is a shallow clone, so older history and tags may be missing: "
            "run `git fetch --unshallow --tags`)"
        )
    raise InvalidValue(message)


def has_commits(top: Path) -> bool:
    return run(top, "rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode == 0


def has_file(top: Path, revision: str, path: str) -> bool:
    """Whether `path` (from the repository's top) is in `revision`, a revision git knows."""
    commit = resolve(top, revision)
    return run(top, "cat-file", "-e", f"{commit}:{path}", check=False).returncode == 0


def dirty_paths(place: ListPlace, folders: Sequence[str] | None = None) -> list[str]:
    """Files in the list folder with uncommitted changes, untracked files included; only in
    list.toml and `folders` if given (git then looks at 10^4 files, not 10^5)."""
    where = (
        [place.folder] if folders is None else [place.prefix + n for n in ("list.toml", *folders)]
    )
    out = run(
        place.top,
        *("status", "--porcelain", "-z", "--untracked-files=all", "--", *where),
        env=LITERAL,
    )
    entries = out.stdout.decode("utf-8", "replace").split("\0")
    return sorted(e[3:] for e in entries if len(e) > 3)


# ---------------------------------------------------------------- releases


@dataclass(frozen=True)
class Release:
    version: str
    tag: str

    @property
    def key(self) -> tuple[int, ...]:
        return version_key(self.version)


def version_key(version: str) -> tuple[int, ...]:
    """Dotted numbers compared numerically: 2026.10 comes after 2026.9."""
    if not VERSION.match(version):
        raise InvalidValue(f"'{version}' is not a version: use dotted numbers such as 2026.1")
    parts = [int(p) for p in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()  # 2026.1 and 2026.1.0 are the same version
    return tuple(parts)


def release_tag(list_id: str, version: str) -> str:
    return f"{list_id}/v{version}"


def releases(top: Path, list_id: str) -> list[Release]:
    """The list's release tags `<list-id>/v<version>`, oldest version first."""
    names = text(top, "tag", "--list", f"{list_id}/v*").splitlines()
    found = []
    for name in names:
        version = name.removeprefix(f"{list_id}/v")
        if VERSION.match(version):
            found.append(Release(version, name))
    return sorted(found, key=lambda r: r.key)


def latest_release(top: Path, list_id: str) -> Release | None:
    found = releases(top, list_id)
    return found[-1] if found else None


# ---------------------------------------------------------------- reading blobs


class BlobReader:
    """One `git cat-file --batch` process answering every object asked of it, in rounds."""

    def __init__(self, top: Path) -> None:
        self.proc = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=top,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.stdout.close()
        self.proc.wait()

    def read(self, names: Sequence[str], limit: int | None = None) -> dict[str, bytes | int | None]:
        """Contents of each object name (`<blob id>` or `<rev>:<path>`); None when missing;
        the size of one larger than `limit` bytes, whose contents are skipped."""
        stdin, stdout = self.proc.stdin, self.proc.stdout
        assert stdin is not None and stdout is not None
        if any("\n" in name for name in names):
            raise InvalidValue("an object name cannot contain a line break")
        # a writer thread: asking for thousands of objects while their contents pile up in
        # the other pipe would otherwise deadlock
        request = "".join(f"{name}\n" for name in names).encode("utf-8")
        writer = threading.Thread(target=_feed, args=(stdin, request), daemon=True)
        writer.start()
        found: dict[str, bytes | None] = {}
        try:
            for name in names:
                header = stdout.readline().split()
                if len(header) != 3 or not header[2].isdigit():
                    found[name] = None  # "<name> missing" or "<name> ambiguous"
                    continue
                size = int(header[2])
                if limit is not None and size > limit:
                    _skip(stdout, size + 1)
                    found[name] = size if header[1] == b"blob" else None
                    continue
                body = stdout.read(size)
                stdout.read(1)  # the newline after each object
                found[name] = body if header[1] == b"blob" else None
        finally:
            writer.join()
        return found


def _skip(pipe, count: int) -> None:
    """Read `count` bytes of `pipe` and let them go, a megabyte at a time."""
    while count > 0:
        chunk = pipe.read(min(count, 1 << 20))
        if not chunk:
            return
        count -= len(chunk)


def _feed(pipe, data: bytes) -> None:
    with contextlib.suppress(BrokenPipeError):  # git stopped early; the reader sees it
        pipe.write(data)
        pipe.flush()


# ---------------------------------------------------------------- the read cache

# for reads outside a list's own cache (a control's history, CURATOR_CACHE=0): one per process
SHARED_CACHE = ReadCache()


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


def _tree_files(place: ListPlace, listed: bytes) -> list[TreeFile]:
    """`git ls-tree -z`'s output (with sizes, `-l`, or without) as the list's files."""
    files = []
    for record in listed.decode("utf-8", "replace").split("\0"):
        if not record:
            continue
        meta, path = record.split("\t", 1)
        mode, kind, blob, *size = meta.split()
        if kind != "blob" or not path.startswith(place.prefix):
            continue  # submodules are not list files
        files.append(
            TreeFile(path[len(place.prefix) :], mode, blob, int(size[0]) if size else None)
        )
    return files


def tree_files_of(place: ListPlace, commit: str, folders: Sequence[str]) -> list[TreeFile]:
    """`tree_files` for list.toml and `folders`; all of them if one is a link (a link may
    point into any folder)."""
    files = tree_files(place, commit, None if tuple(folders) == FOLDERS else folders)
    return tree_files(place, commit) if any(f.mode == LINK_MODE for f in files) else files


def _wanted(path: str, folders: Sequence[str] = FOLDERS) -> bool:
    """The files `source.walk` yields: list.toml and *.toml under the list's folders."""
    if path == "list.toml":
        return True
    parts = path.split("/")
    return (
        len(parts) >= 2
        and parts[0] in folders
        and parts[-1].endswith(".toml")
        and not parts[-1].startswith(".")
    )


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
    chosen = sorted(
        (f for f in files if _wanted(f.path, folders) and f.path not in leave_out),
        key=lambda f: _walk_order(f.path),
    )
    with contextlib.nullcontext(shared) if shared is not None else BlobReader(place.top) as blobs:
        links = [f for f in chosen if f.mode == LINK_MODE]
        link_text = blobs.read([f.blob for f in links])
        targets: dict[str, TreeFile | Problem] = {f.path: f for f in chosen}
        for f in links:
            targets[f.path] = _link_target(f, link_text.get(f.blob), by_path)
        known: dict[str, Read] = {}
        wanted: set[str] = set()
        parsed_here: list[str] = []  # few files of a folder whose results are many
        per_folder = Counter(p.partition("/")[0] for p in targets)
        for path, target in targets.items():
            if not isinstance(target, TreeFile) or (target.size or 0) > MAX_BYTES:
                continue
            kind = kind_of(path)
            if kind and not cache.worth_looking_up(path, per_folder[path.partition("/")[0]]):
                parsed_here.append(path)
                result = None
            else:
                result = cache.known(kind, path, target.blob) if kind else None
            if result is None:
                wanted.add(target.blob)
            else:
                known[path] = result
        contents = blobs.read(sorted(wanted), limit=MAX_BYTES)
    for path in parsed_here:
        raw = contents.get(targets[path].blob)
        if type(raw) is bytes:
            known[path] = reader.read(kind_of(path), path, raw)
    return [_entry(place.top, f.path, targets[f.path], contents, known) for f in chosen]


def _entry(
    top: Path,
    path: str,
    target: TreeFile | Problem,
    contents: Mapping[str, bytes | int | None],
    known: Mapping[str, Read],
) -> Entry:
    if isinstance(target, Problem):
        return Entry(path, None, target)
    raw = contents.get(target.blob)
    size = raw if type(raw) is int else target.size  # (the reader's word, when not listed)
    if size is not None and size > MAX_BYTES:
        message = f"file is {size:,} bytes; the limit is {MAX_BYTES:,}"
        return Entry(path, None, Problem(path, None, "", "file-too-large", message))
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
    objects. By default through the list's own read cache (store.cache), which the working
    tree fills too: a revision close to the working tree is loaded parsing only the files that
    differ. `watch` as in `load.build`."""
    commit = resolve(place.top, revision)
    if cache is not None:
        return build(entries_at(place, commit, revision, cache, folders), cache.read, watch)
    disk = ListCache.of(place.root)
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
    old_commit, new_commit = resolve_all(place.top, source, target)
    # the process that reads the blobs, started now: it is ready when they are wanted
    with BlobReader(place.top) as blobs:
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
        disk = ListCache.of(place.root)
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
    return sides


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

    new = [f for f in _tree_files(place, listing) if read(f.path)]
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


# ---------------------------------------------------------------- history of one file


@dataclass(frozen=True)
class FileVersion:
    """One commit that touched a file: the file's bytes before (in the commit's first parent)
    and after it."""

    commit: str
    short: str
    date: str  # ISO 8601 author date
    author: str
    email: str
    subject: str
    status: str  # A (added), M (modified), R (renamed), C (copied), D (deleted)
    path: str  # inside the repository, after the commit
    previous_path: str  # before it (differs for a rename)
    raw: bytes | None  # None when deleted
    before: bytes | None  # None when added


# what separates the fields git prints of a commit: NUL, the one character no name and no
# subject can hold (a subject may hold any other, \r, \x1e and U+2028 among them)
FIELDS = ("%H", "%h", "%aI", "%an", "%ae", "%s")


def file_history(top: Path, path: str) -> list[FileVersion]:
    """Commits that touched `path`, newest first, following renames. Merge commits are left
    out: the commits on each side that made the changes are listed themselves."""
    done = run(
        top,
        "-c",
        "core.quotePath=false",
        "log",
        "--follow",
        "--name-status",
        "--format=%x00" + "%x00".join(FIELDS) + "%x00",
        "--",
        path,
        check=False,
    )
    if done.returncode != 0:
        return []  # no commits yet
    found: list[tuple[list[str], str, str, str]] = []
    # each commit: its fields, then the lines of its changed files ("M\tpath", "R100\told\tnew")
    parts = done.stdout.decode("utf-8", "replace").split("\0")[1:]
    width = len(FIELDS) + 1
    for at in range(0, len(parts) - width + 1, width):
        meta, changes = parts[at : at + width - 1], parts[at + width - 1]
        change = next((line.split("\t") for line in changes.split("\n") if "\t" in line), None)
        if change is not None:
            found.append((meta, change[0][:1], change[1], change[-1]))
    names = []
    for meta, status, old, new in found:
        names += [] if status == "D" else [f"{meta[0]}:{new}"]
        names += [] if status == "A" else [f"{meta[0]}^:{old}"]
    with BlobReader(top) as blobs:
        contents = blobs.read(names)
    return [
        FileVersion(
            commit=meta[0],
            short=meta[1],
            date=meta[2],
            author=meta[3],
            email=meta[4],
            subject=meta[5],
            status=status,
            path=new,
            previous_path=old,
            raw=contents.get(f"{meta[0]}:{new}"),
            before=contents.get(f"{meta[0]}^:{old}"),
        )
        for meta, status, old, new in found
    ]


# ---------------------------------------------------------------- helpers for writers


def commit_files(
    top: Path,
    paths: Iterable[str],
    message: str,
    author: tuple[str, str] | None = None,
) -> str:
    """Stage and commit exactly `paths` (repository-relative); returns the new commit id."""
    chosen = list(paths)
    run(top, "add", "--", *chosen)
    env = _identity(top, author)
    run(top, "commit", "--quiet", "-m", message, "--only", "--", *chosen, env=env)
    return text(top, "rev-parse", "HEAD")


def check_tag_name(top: Path, name: str) -> None:
    if run(top, "check-ref-format", f"refs/tags/{name}", check=False).returncode != 0:
        raise InvalidValue(f"'{name}' is not a valid tag name")


def annotated_tag(
    top: Path, name: str, message: str, author: tuple[str, str] | None = None
) -> None:
    check_tag_name(top, name)
    run(top, "tag", "-a", name, "-m", message, env=_identity(top, author, tagger=True))


def _identity(top: Path, author: tuple[str, str] | None, tagger: bool = False) -> dict[str, str]:
    """The author (for a tag: the tagger) set to `author`; the committer too when git has no
    identity configured, so a fresh clone can still release."""
    if author is None:
        return {}
    name, email = author
    env = {} if tagger else {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email}
    configured = run(top, "config", "user.email", check=False).stdout.strip()
    if tagger or not (configured or os.environ.get("GIT_COMMITTER_EMAIL")):
        env.update({"GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email})
    return env
