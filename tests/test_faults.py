"""Faults on every write path: the rename fails, the disk fills up while writing, the folder is
read-only, the process is killed between writing the temp file and renaming it.

Write paths: fmt, new, comment, status, apply-amendment, the TUI's edit (store.records.edit.save_control),
release, comments import, comments answer, publish (into a new folder, and over an earlier
package). After a fault an all-or-nothing write leaves
every file byte-identical and no temp file; a write of many files (fmt, import, publish) leaves
each file either as it was or as a successful run writes it, never torn. After a kill the temp
file is left behind and the next run removes it.

The in-process faults patch the primitives beneath the atomic writer (os.open, os.write,
os.fdopen, os.replace, os.link), counting only curator's own temp files inside the list, so the
fault lands on the first or the last write of an operation; kills run the real CLI in a
subprocess.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import tomli
from conftest import make_list
from public_csv import ROWS, write_csv

from curator.cli import main
from curator.core.problems import CuratorError
from curator.store.formats.atomic import TEMP_PREFIX
from curator.store.index.load import load
from curator.store.records.edit import read_for_edit, save_control

GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "chair",
    "GIT_AUTHOR_EMAIL": "chair@example.org",
    "GIT_COMMITTER_NAME": "chair",
    "GIT_COMMITTER_EMAIL": "chair@example.org",
}
MESSY_ITEM = (
    'name = "NVIDIA A100"\nid = "a100"\nsources = [ "test fixture" ]\n[params]\ntpp=4992\n'
    '[param_sources]\ntpp="test fixture"\n'
)


# ---------------------------------------------------------------- scenarios


@dataclass
class Scenario:
    """A list in a git repository and one write to make on it."""

    root: Path
    argv: list[str] = field(default_factory=list)  # the CLI arguments; empty: the TUI's edit
    out: Path | None = None  # publish's output folder: the folder it is in is watched as well
    atomic: bool = True  # all or nothing; False: each file is old or new
    rerun: list[str] | None = None  # what "the next run" is after a kill; None: the same

    @property
    def folders(self) -> tuple[Path, ...]:
        # (the package is made beside the output folder, then put in its place)
        return (self.root,) if self.out is None else (self.root, self.out.parent)

    def files(self) -> dict[str, bytes]:
        """Every file of the list and beside and in the output folder (temp files included),
        .git left out."""
        found = {}
        for name, top in (("list", self.root), ("out", self.folders[-1] if self.out else None)):
            if top is None or not top.exists():
                continue
            for folder, dirnames, filenames in os.walk(top):
                dirnames[:] = [d for d in dirnames if d != ".git"]
                for file in filenames:
                    path = Path(folder) / file
                    found[f"{name}/{path.relative_to(top).as_posix()}"] = path.read_bytes()
        return found

    def run(self) -> int:
        """The write in this process; the exit code the CLI would give."""
        if self.argv:
            return main(self.argv)
        try:
            edit_title(self.root)
        except CuratorError:
            return 1
        return 0


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, env={**os.environ, **GIT_ENV}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def edit_title(root: Path) -> None:
    """What the TUI's edit form does on save: the control's data, changed, saved over its digest."""
    text, digest = read_for_edit(root, "3A090")
    data = tomli.loads(text)
    data["title"] = "Integrated circuits for advanced computing (edited)"
    save_control(root, data, digest, text)


def new_list(tmp_path: Path) -> Path:
    root = make_list(tmp_path / "test-list").root
    git(root, "init", "--quiet", "-b", "main")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "the list")
    return root


def as_list(root: Path, *argv: str) -> list[str]:
    return [*argv, "--list", str(root)]


def fmt(tmp_path: Path) -> Scenario:
    root = new_list(tmp_path)
    text = (root / "controls/3A090.toml").read_text()
    (root / "controls/3A090.toml").write_text(text.replace("\n\n[[items]]", "\n[[items]]"))
    (root / "catalogue/a100.toml").write_text(MESSY_ITEM)
    return Scenario(root, as_list(root, "fmt"), atomic=False)


def new(tmp_path: Path) -> Scenario:
    root = new_list(tmp_path)
    argv = as_list(root, "new", "3A091", "--title", "Quantum", "--area", "quantum", "--as", "chair")
    return Scenario(root, argv)


def comment(tmp_path: Path) -> Scenario:
    root = new_list(tmp_path)
    return Scenario(root, as_list(root, "comment", "3A090", "-m", "Too tight.", "--as", "chair"))


def status(tmp_path: Path) -> Scenario:
    root = new_list(tmp_path)
    argv = as_list(root, "status", "3A090", "under-review", "-m", "Ready.", "--as", "industry-1")
    return Scenario(root, argv)


def apply_amendment(tmp_path: Path) -> Scenario:
    root = new_list(tmp_path)
    proposal = ["-m", "Raise it.", "--amend-item", "a.1", "--amend-match", "tpp >= 6000"]
    proposal += ["--amend-text", "A 'total processing performance' of 6000 or more."]
    assert main(as_list(root, "comment", "3A090", *proposal, "--as", "industry-1")) == 0
    [made] = (root / "discussion" / "3A090").iterdir()
    rel = made.relative_to(root).as_posix()
    return Scenario(root, as_list(root, "apply-amendment", rel, "--as", "chair"))


def edit(tmp_path: Path) -> Scenario:
    return Scenario(new_list(tmp_path))


def release(tmp_path: Path) -> Scenario:
    root = new_list(tmp_path)
    argv = as_list(root, "release", "1.1", "--as", "chair")
    return Scenario(root, argv, rerun=as_list(root, "fmt"))


def comments_import(tmp_path: Path) -> Scenario:
    root = new_list(tmp_path)
    bulk = write_csv(tmp_path / "bulk.csv", ROWS[:3])
    return Scenario(
        root, as_list(root, "comments", "import", str(bulk), "--as", "chair"), atomic=False
    )


def comments_answer(tmp_path: Path) -> Scenario:
    root = new_list(tmp_path)
    bulk = write_csv(tmp_path / "bulk.csv", ROWS[:1])
    assert main(as_list(root, "comments", "import", str(bulk), "--as", "chair")) == 0
    answer = ["--action", "noted", "-m", "Thank you.", "--as", "chair"]
    return Scenario(root, as_list(root, "comments", "answer", ROWS[0].tracking, *answer))


def publish_new(tmp_path: Path) -> Scenario:
    root = new_list(tmp_path)
    path = root / "controls/3A090.toml"
    path.write_text(path.read_text().replace('"proposed"', '"recommended"'))
    out = tmp_path / "site" / "package"  # not there yet: made beside, then renamed into place
    return Scenario(root, as_list(root, "publish", "--out", str(out), "--as", "chair"), out=out)


def publish(tmp_path: Path) -> Scenario:
    scenario = publish_new(tmp_path)
    argv = [*scenario.argv, "--force"]
    assert main(argv) == 0  # an earlier package: the fault hits its replacement
    path = scenario.root / "controls/3A090.toml"
    path.write_text(path.read_text().replace("Integrated circuits", "Integrated chips"))
    return Scenario(scenario.root, argv, out=scenario.out, atomic=False)


PATHS: dict[str, Callable[[Path], Scenario]] = {
    "fmt": fmt,
    "new": new,
    "comment": comment,
    "status": status,
    "apply-amendment": apply_amendment,
    "edit": edit,
    "release": release,
    "comments-import": comments_import,
    "comments-answer": comments_answer,
    "publish-new": publish_new,
    "publish": publish,
}
# how many files each writes: a fault lands on the first and on the last
WRITES = {
    "fmt": 2,
    "new": 1,
    "comment": 1,
    "status": 2,
    "apply-amendment": 1,
    "edit": 1,
    "release": 3,  # a note of the release under way (in .git), list.toml, CHANGELOG.md
    "comments-import": 3,
    "comments-answer": 1,
    "publish-new": 6,
    "publish": 6,
}


# ---------------------------------------------------------------- faults


def _ours(name: str | os.PathLike) -> bool:
    """A temp file of curator's atomic writer (publish's `.curator-publish` is not one)."""
    base = os.path.basename(os.fspath(name))
    return base.startswith(TEMP_PREFIX) and base.endswith(".tmp")


class Faults:
    """Makes the `at`-th of curator's writes fail the way `kind` says, and counts them.

    A write is counted when its temp file is created (os.open with O_CREAT, which tempfile
    uses too) for read-only and disk-full, when it is renamed into place (os.replace, os.link)
    for rename: a batch creates all of its temp files before renaming any. The disk fills up
    halfway through the data, whether it is written with os.write or through os.fdopen.
    """

    def __init__(
        self, monkeypatch: pytest.MonkeyPatch, kind: str, at: int, within: tuple[Path, ...]
    ) -> None:
        self.kind, self.at, self.seen = kind, at, 0
        folders = [f.resolve() for f in within]
        doomed: set[int] = set()  # descriptors of temp files on the disk that fills up

        def ours(name: str | os.PathLike) -> bool:
            path = Path(os.fspath(name)).resolve()
            return _ours(path) and any(path.is_relative_to(f) for f in folders)

        real_replace, real_link = os.replace, os.link
        real_open, real_write, real_close, real_fdopen = os.open, os.write, os.close, os.fdopen

        def due(kind_here: str) -> bool:
            if kind_here != self.kind:
                return False
            self.seen += 1
            return self.seen == self.at

        def rename(real):
            def call(src, dst, *args, **kwargs):
                if ours(src) and due("rename"):
                    raise PermissionError(errno.EACCES, "Permission denied", os.fspath(dst))
                return real(src, dst, *args, **kwargs)

            return call

        def opening(path, flags, *args, **kwargs):
            creating = flags & os.O_CREAT and ours(path)
            if creating and due("read-only"):
                raise PermissionError(errno.EROFS, "Read-only file system", os.fspath(path))
            fd = real_open(path, flags, *args, **kwargs)
            if creating and due("disk-full"):
                doomed.add(fd)
            return fd

        def writing(fd, data):
            if fd in doomed:
                real_write(fd, bytes(data[: len(data) // 2]))
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_write(fd, data)

        def closing(fd):
            doomed.discard(fd)
            return real_close(fd)

        def fdopen(fd, *args, **kwargs):
            f = real_fdopen(fd, *args, **kwargs)
            if fd in doomed:
                doomed.discard(fd)
                return _FillsUp(f)
            return f

        monkeypatch.setattr(os, "replace", rename(real_replace))
        monkeypatch.setattr(os, "link", rename(real_link))
        monkeypatch.setattr(os, "open", opening)
        monkeypatch.setattr(os, "write", writing)
        monkeypatch.setattr(os, "close", closing)
        monkeypatch.setattr(os, "fdopen", fdopen)


class _FillsUp:
    """A temp file on a disk that fills up halfway through the data."""

    def __init__(self, f) -> None:
        self.f = f

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.f.close()

    def write(self, data: bytes) -> int:
        self.f.write(data[: len(data) // 2])
        self.f.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self) -> None:
        self.f.flush()

    def fileno(self) -> int:
        return self.f.fileno()

    def close(self) -> None:
        self.f.close()


def temps(files: dict[str, bytes]) -> list[str]:
    return [name for name in files if _ours(name)]


def assert_whole(before: dict[str, bytes], faulted: dict[str, bytes], after: dict[str, bytes]):
    """Every file after the fault is as it was before or as a good run wrote it: never torn."""
    for name, data in faulted.items():
        assert data in (before.get(name), after.get(name)), f"{name} is torn"


# ---------------------------------------------------------------- in-process faults


@pytest.fixture(autouse=True)
def _nobody(monkeypatch, tmp_path):
    monkeypatch.delenv("CURATOR_MEMBER", raising=False)
    monkeypatch.delenv("CURATOR_LIST", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # not the user's cache
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize("path", PATHS)
def test_each_path_writes_as_many_files_as_the_faults_assume(path, tmp_path, monkeypatch):
    scenario = PATHS[path](tmp_path)
    with monkeypatch.context() as m:
        counter = Faults(m, "read-only", 0, scenario.folders)  # never due: it only counts
        assert scenario.run() == 0
    assert counter.seen == WRITES[path]


FAULTS = [
    (path, kind, at)
    for path in PATHS
    for kind in ("rename", "disk-full", "read-only")
    for at in sorted({1, WRITES[path]})
]


@pytest.mark.parametrize(("path", "kind", "at"), FAULTS)
def test_a_failed_write_leaves_every_file_whole(path, kind, at, tmp_path, monkeypatch, capsys):
    scenario = PATHS[path](tmp_path)
    before = scenario.files()
    head = git(scenario.root, "rev-parse", "HEAD") + git(scenario.root, "tag")
    with monkeypatch.context() as m:
        faults = Faults(m, kind, at, scenario.folders)
        code = scenario.run()
    assert faults.seen >= at, "the fault never happened"
    faulted = scenario.files()
    err = capsys.readouterr().err

    assert code == 1
    assert "Traceback" not in err and "internal error" not in err
    assert not temps(faulted), "a temp file was left behind"
    if scenario.atomic:
        assert faulted == before
        assert git(scenario.root, "rev-parse", "HEAD") + git(scenario.root, "tag") == head
    assert scenario.run() == 0  # the same write succeeds once the disk is well again
    assert_whole(before, faulted, scenario.files())
    assert not load(scenario.root).problems


def test_the_message_names_the_file_and_the_reason(tmp_path, monkeypatch, capsys):
    scenario = new(tmp_path)
    with monkeypatch.context() as m:
        Faults(m, "disk-full", 1, scenario.folders)
        assert scenario.run() == 1
    err = capsys.readouterr().err
    assert "controls/3A091.toml: cannot write: No space left on device" in err
    assert "left as it was" in err


# ---------------------------------------------------------------- killed between write and rename

KILLER = """
import os, sys
from curator.store.formats.atomic import TEMP_PREFIX
at, seen = int(os.environ["CURATOR_KILL_AT"]), 0
within = tuple(os.environ["CURATOR_KILL_WITHIN"].split(os.pathsep))

def dying(real):
    def call(src, dst, *args, **kwargs):
        global seen
        src = os.path.realpath(src)
        if os.path.basename(src).startswith(TEMP_PREFIX) and src.startswith(within):
            seen += 1
            if seen == at:
                os._exit(137)  # SIGKILL's exit status: the temp file is written, not renamed
        return real(src, dst, *args, **kwargs)
    return call

os.replace, os.link = dying(os.replace), dying(os.link)
sys.path.insert(0, os.environ["CURATOR_TESTS"])
if sys.argv[1:] == ["--edit"]:
    from pathlib import Path
    from test_faults import edit_title
    edit_title(Path(os.environ["CURATOR_ROOT"]))
else:
    from curator.cli import main
    sys.exit(main(sys.argv[1:]))
"""


def killed(scenario: Scenario, argv: list[str], at: int) -> int:
    env = {
        **os.environ,
        **GIT_ENV,
        "CURATOR_KILL_AT": str(at),
        "CURATOR_TESTS": str(Path(__file__).parent),
        "CURATOR_ROOT": str(scenario.root),
        "CURATOR_KILL_WITHIN": os.pathsep.join(f"{f.resolve()}{os.sep}" for f in scenario.folders),
    }
    env.pop("CURATOR_MEMBER", None)
    done = subprocess.run(
        [sys.executable, "-c", KILLER, *(argv or ["--edit"])],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parent.parent,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode


# the first write of each path that the list's files show (a release's first is its note in
# .git, which `Scenario.files` leaves out: test_release kills it at every step)
FIRST_SHOWN = {"release": 2}
KILLS = [
    (path, at)
    for path in PATHS
    for at in sorted({FIRST_SHOWN.get(path, 1), WRITES[path]})
    if at <= FIRST_SHOWN.get(path, 2)
]


@pytest.mark.parametrize(("path", "at"), KILLS)
def test_a_write_killed_before_its_rename_is_cleaned_on_the_next_run(path, at, tmp_path):
    scenario = PATHS[path](tmp_path)
    before = scenario.files()

    assert killed(scenario, scenario.argv, at) == 137
    faulted = scenario.files()
    assert temps(faulted), "the kill did not land between write and rename"
    if scenario.atomic and at == 1:
        assert {n: d for n, d in faulted.items() if not _ours(n)} == before
    # whatever was renamed into place is whole: the list still loads without a problem, but
    # the one that says a status change was recorded and not made (the next run makes it)
    codes = {p.code for p in load(scenario.root).problems}
    assert codes <= ({"transition-not-applied"} if path == "status" else set())

    assert killed(scenario, scenario.rerun or scenario.argv, at=0) == 0  # at 0: never killed
    after = scenario.files()
    assert not temps(after), "the next run did not remove the temp file"
    assert_whole(before, {n: d for n, d in faulted.items() if not _ours(n)}, after)
    assert not load(scenario.root).problems


def test_a_temp_file_of_a_running_write_is_left_alone(tmp_path):
    root = new_list(tmp_path)
    live = root / "controls" / f"{TEMP_PREFIX}{os.getppid()}-inflight.tmp"
    live.write_bytes(b"half")  # the parent process (pytest's runner) is alive
    assert main(as_list(root, "fmt")) == 0
    assert live.exists()


def test_a_cache_that_cannot_be_written_fails_nothing(tmp_path, monkeypatch, capsys):
    scenario = comment(tmp_path)
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    assert main(as_list(scenario.root, "check")) == 0  # the cache exists, to be replaced
    for kind in ("rename", "disk-full", "read-only"):
        with monkeypatch.context() as m:
            faults = Faults(m, kind, 1, (cache,))
            assert scenario.run() == 0
        assert faults.seen >= 1, "the cache was not written"
    assert "Traceback" not in capsys.readouterr().err
