"""What a command imports before it starts work: only the modules of its verb, and numpy (a tenth
of a second) only for the verbs that weigh (docs/design.md §10)."""

from __future__ import annotations

import subprocess
import sys

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


def test_verbs_that_do_not_weigh_start_without_numpy():
    done = subprocess.run(
        [sys.executable, "-c", FIRST_WITH_NUMPY], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "", f"`curator {done.stdout.strip()}` imports numpy at start"


GIT_DRIVERS_LOADER = """
import sys
from curator.cli import parser
parser("merge-file")
parser("textconv")
print(" ".join(m for m in ("curator.store.index.load", "curator.core.diff") if m in sys.modules))
"""


def test_the_commands_git_runs_per_file_do_not_import_the_list_loader():
    # a `git diff` or a merge of a hundred list files starts a hundred of them
    done = subprocess.run(
        [sys.executable, "-c", GIT_DRIVERS_LOADER], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


POOL_MACHINERY = """
import sys
from curator.cli import modules, parser
for verb in ("check", "fmt", "comment", "ballot", "diff"):
    modules(verb)
    parser(verb)
print(" ".join(m for m in ("multiprocessing", "concurrent.futures") if m in sys.modules))
"""


def test_verbs_that_start_no_pool_do_not_import_one():
    # only `comments import` hands work to a pool; the check forks its helpers itself
    done = subprocess.run(
        [sys.executable, "-c", POOL_MACHINERY], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
