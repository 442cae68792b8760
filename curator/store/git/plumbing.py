"""Git plumbing: running git, revisions, release tags, blobs, a file's history."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from curator.core.problems import CuratorError, InvalidValue, Unavailable

WORKTREE = "working tree"
VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*$")
LINK_MODE = "120000"
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
    return _raise_if_failed(done, check)


def run_together(
    cwd: Path, *commands: Sequence[str], env: Mapping[str, str] | None = None
) -> list[subprocess.CompletedProcess[bytes]]:
    """`run` for commands that do not depend on each other, all started at once: a diff's
    git commands spend their time in git, and a machine has more than one core."""
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
    return [_raise_if_failed(each, check=True) for each in done]


def _raise_if_failed(
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
    """Whether `path` (from the repository's top) is in `revision`, a revision git knows (an
    unknown one is refused as `resolve` refuses it). One git process when the file is there."""
    if revision and not revision.startswith("-"):
        found = run(top, "cat-file", "-e", f"{revision}^{{commit}}:{path}", check=False)
        if found.returncode == 0:
            return True
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


@dataclass(frozen=True)
class TooLarge:
    """An object larger than the limit it was read with: its contents were skipped."""

    size: int


class BlobReader:
    """One `git cat-file --batch` process answering every object asked of it, in rounds."""

    def __init__(self, top: Path) -> None:
        self.top = top
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

    def commits(self, revisions: Sequence[str]) -> list[str]:
        """The commit id of each revision, as `resolve` gives it and refusing what it refuses,
        asked of this process rather than of a `git rev-parse` each."""
        names = [f"{revision}^{{commit}}" for revision in revisions]
        if any(not r or r.startswith("-") or "\n" in r for r in revisions):
            return [resolve(self.top, revision) for revision in revisions]  # (the refusal)
        stdin, stdout = self.proc.stdin, self.proc.stdout
        assert stdin is not None and stdout is not None
        _feed(stdin, "".join(f"{name}\n" for name in names).encode("utf-8"))
        found = []
        for revision in revisions:
            header = stdout.readline().split()
            if len(header) != 3 or header[1] != b"commit" or not header[2].isdigit():
                found.append(resolve(self.top, revision))  # unknown: refused with its advice
                continue
            _skip(stdout, int(header[2]) + 1)  # the commit object and its newline
            found.append(header[0].decode("ascii"))
        return found

    def read(self, names: Sequence[str], kind: bytes = b"blob") -> dict[str, bytes | None]:
        """Contents of each object name (`<blob id>` or `<rev>:<path>`); None when missing or
        not of `kind` (a file's contents, unless another kind is asked for)."""
        return {
            name: None if isinstance(body, TooLarge) else body
            for name, body in self.read_within(names, None, kind).items()
        }

    def read_within(
        self, names: Sequence[str], limit: int | None, kind: bytes = b"blob"
    ) -> dict[str, bytes | TooLarge | None]:
        """`read`, but an object larger than `limit` bytes is `TooLarge`, its contents
        skipped."""
        stdin, stdout = self.proc.stdin, self.proc.stdout
        assert stdin is not None and stdout is not None
        if any("\n" in name for name in names):
            raise InvalidValue("an object name cannot contain a line break")
        # a writer thread: asking for thousands of objects while their contents pile up in
        # the other pipe would otherwise deadlock
        request = "".join(f"{name}\n" for name in names).encode("utf-8")
        writer = threading.Thread(target=_feed, args=(stdin, request), daemon=True)
        writer.start()
        found: dict[str, bytes | TooLarge | None] = {}
        try:
            for name in names:
                header = stdout.readline().split()
                if len(header) != 3 or not header[2].isdigit():
                    found[name] = None  # "<name> missing" or "<name> ambiguous"
                    continue
                size = int(header[2])
                if limit is not None and size > limit:
                    _skip(stdout, size + 1)
                    found[name] = TooLarge(size) if header[1] == kind else None
                    continue
                body = stdout.read(size)
                stdout.read(1)  # the newline after each object
                found[name] = body if header[1] == kind else None
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
