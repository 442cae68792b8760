"""The README's examples on the bundled list are what curator prints: each read-only example
(`check`, `weigh`) is run on lists/emerging-tech, and every line it shows must be a line of
the output, in the same order (a line `…` stands for lines left out, and `…` in a line for
words left out of it)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import run_curator

PROJECT = Path(__file__).resolve().parents[1]
BUNDLED = PROJECT / "lists" / "emerging-tech"
READ_ONLY = ("curator weigh ",)  # examples that run as written on the bundled list
BUNDLED_CHECK = "curator check --list lists/emerging-tech"
ELIDED = "…"


def examples() -> list[tuple[int, str, list[str]]]:
    """Each `$ curator …` command of the README's console blocks that reads the bundled list
    only: (its line, the command, the lines shown after it)."""
    found: list[tuple[int, str, list[str]]] = []
    lines = (PROJECT / "README.md").read_text().splitlines()
    inside = False
    current: tuple[int, str, list[str]] | None = None
    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            inside = line == "```console"
            current = None
            continue
        if not inside:
            continue
        if line.startswith("$ "):
            command = line[2:]
            current = None
            if command.startswith(READ_ONLY) or command == BUNDLED_CHECK:
                current = (number, command, [])
                found.append(current)
        elif current is not None:
            current[2].append(line)
    return found


def same(printed: str, shown: str) -> bool:
    """Whether the README shows this line as printed (a long one cut short with `…`)."""
    if ELIDED not in shown:
        return printed == shown
    return re.fullmatch(".*".join(map(re.escape, shown.split(ELIDED))), printed) is not None


def shown_in(output: list[str], shown: list[str]) -> str | None:
    """Where `shown` is not `output` with lines left out at each `…`: the first line missing."""
    at = 0
    anywhere = False  # after a `…`, the next line may come later
    for line in shown:
        if line.strip() == ELIDED:
            anywhere = True
            continue
        if anywhere:
            while at < len(output) and not same(output[at], line):
                at += 1
        if at >= len(output) or not same(output[at], line):
            return line
        at += 1
        anywhere = False
    return None


@pytest.mark.parametrize(
    ("line", "command", "shown"),
    [pytest.param(*example, id=f"README.md:{example[0]}") for example in examples()],
)
def test_a_readme_example_prints_what_the_readme_shows(line, command, shown, cache_home):
    words = shlex.split(command.split("|")[0])
    run = run_curator(*words[1:], "--list", str(BUNDLED))
    output = (run.out + run.err).splitlines()
    tail = re.search(r"\| tail -(\d+)$", command)
    if tail:
        output = output[-int(tail[1]) :]
    missing = shown_in(output, shown)
    assert missing is None, f"README.md:{line}: `{command}` does not print {missing!r}"


def test_the_readme_has_examples_to_check():
    assert len(examples()) >= 10
