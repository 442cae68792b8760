"""The real `curator` command, end to end in its own process: what it prints reaches the
terminal and its exit code is the command's, through the entry point that ends the process at
once. The other tests run the same CLI in process (tests/conftest.py `run_curator`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import run_curator


def test_a_clean_list_checks_with_exit_0_and_a_summary(lst):
    done = run_curator("check", "--list", str(lst.root), end_to_end=True)
    assert done.code == 0
    assert done.out == ""
    assert done.err == "9 files, no problems\n"


def test_a_broken_file_is_named_with_its_line_and_exit_1(lst):
    lst.write("controls/3A091.toml", 'id = "3A091"\ntitle = "x\n')
    done = run_curator("check", "--list", str(lst.root), end_to_end=True)
    assert done.code == 1
    assert done.out.startswith("controls/3A091.toml:2: ")
    assert "Traceback" not in done.err


def test_a_usage_error_exits_2_without_a_traceback(lst):
    done = run_curator("check", "--no-such-option", "--list", str(lst.root), end_to_end=True)
    assert done.code == 2
    assert "unrecognized arguments: --no-such-option" in done.err
    assert "Traceback" not in done.err


def test_a_comment_read_from_standard_input_is_written(lst):
    done = run_curator(
        "comment", "3A090", "--file", "-", "--as", "industry-1", "--list", str(lst.root),
        stdin="Keep a.1 as it is.\n", end_to_end=True,
    )  # fmt: skip
    assert done.code == 0, done.err
    (written,) = (lst.root / "discussion" / "3A090").iterdir()
    assert "Keep a.1 as it is." in written.read_text()


def test_the_installed_command_prints_its_version():
    command = Path(sys.executable).parent / "curator"
    done = subprocess.run([command, "--version"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert done.stdout.startswith("curator ")
