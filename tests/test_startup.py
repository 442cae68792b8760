"""What a command imports before it starts work: only the modules of its verb, and numpy (a tenth
of a second) only for the verbs that weigh (docs/design.md §10)."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import make_list

# imported one after another in a fresh interpreter; the first to bring numpy in is named
NOT_WEIGHING = ("check", "fmt", "new", "comment", "ballot", "status", "diff", "log", "textconv")
FIRST_WITH_NUMPY = f"""
import sys
from curator.cli import modules, parser
for verb in {NOT_WEIGHING!r}:
    modules(verb)
    parser(verb)
    if "numpy" in sys.modules:
        print(verb)
        break
"""


def printed_by(script: str, env: dict[str, str] | None = None) -> str:
    """What `script` prints, run in a fresh interpreter (one that imported nothing yet)."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_verbs_that_do_not_weigh_start_without_numpy():
    first = printed_by(FIRST_WITH_NUMPY)
    assert first == "", f"`curator {first}` imports numpy at start"


# the modules named that are imported, space-separated
IMPORTED_OF = """
import sys
from curator.cli import modules, parser
for verb in {verbs!r}:
    modules(verb)
    parser(verb)
print(" ".join(m for m in {names!r} if m in sys.modules))
"""


def test_the_commands_git_runs_per_file_do_not_import_the_list_loader():
    # a `git diff` or a merge of a hundred list files starts a hundred of them
    script = IMPORTED_OF.format(
        verbs=("merge-file", "textconv"), names=("curator.store.index.load", "curator.core.diff")
    )
    assert printed_by(script) == ""


def test_verbs_that_start_no_pool_do_not_import_one():
    # only `comments import` hands work to a pool; the check forks its helpers itself
    script = IMPORTED_OF.format(
        verbs=("check", "fmt", "comment", "ballot", "diff"),
        names=("multiprocessing", "concurrent.futures"),
    )
    assert printed_by(script) == ""


# the modules named that a whole `curator check` of the list at `root` imports
CHECK_IMPORTS = """
import contextlib, io, sys
from curator.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["check", "--list", {root!r}])
print(" ".join(m for m in {names!r} if m in sys.modules))
"""


def test_a_list_without_licensing_files_is_checked_without_their_reader(tmp_path):
    lst = make_list(tmp_path / "list")
    names = ("curator.store.records.destinations", "curator.core.destinations")
    assert printed_by(CHECK_IMPORTS.format(root=str(lst.root), names=names)) == ""
    (lst.root / "licensing").mkdir()
    (lst.root / "licensing" / "3A090.toml").write_text('control = "3A090"\n')
    assert printed_by(CHECK_IMPORTS.format(root=str(lst.root), names=names)) == " ".join(names)


# the modules named that a `curator check` of the list at `root` imports, stamps trusted at once
TRUSTED_CHECK_IMPORTS = """
import contextlib, io, sys
from curator.store.index import source
source.RACY_NS = 0
from curator.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["check", "--list", {root!r}])
print(" ".join(m for m in {names!r} if m in sys.modules))
"""


def test_a_check_that_finds_nothing_new_imports_nothing_that_makes_records(tmp_path):
    lst = make_list(tmp_path / "list")
    names = ("curator.core.model", "curator.core.checks", "curator.store.index.load")
    script = TRUSTED_CHECK_IMPORTS.format(root=str(lst.root), names=names)
    cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert printed_by(script, cache) == " ".join(names)  # the first: every file read
    assert printed_by(script, cache) == ""  # nothing new
    text = lst.read("controls/3A090.toml")
    lst.write("controls/3A090.toml", text.replace('status = "proposed"', 'status = "draft"'))
    assert printed_by(script, cache) == " ".join(names)  # a control changed: read and checked
