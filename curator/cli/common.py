"""Pieces every verb shares: the list option, output format, printing problems."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from curator.core.inert import UNSAFE, inert
from curator.core.problems import Problem
from curator.store.setup.discover import find_list

if TYPE_CHECKING:
    from curator.core.criteria import ExprError


def add_list(p: argparse.ArgumentParser) -> None:
    p.add_argument("--list", metavar="DIR", default=argparse.SUPPRESS, help="the list folder")


def add_format(p: argparse.ArgumentParser, *more: str) -> None:
    p.add_argument(
        "--format", choices=("text", "json", *more), default="text", help="output format"
    )


def add_as(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--as",
        dest="as_member",
        metavar="MEMBER",
        default=argparse.SUPPRESS,  # else the one given before the verb
        help="act as this member",
    )


def list_root(args: argparse.Namespace) -> Path:
    return find_list(getattr(args, "list", None))


def expression_error(option: str, text: str, err: ExprError) -> str:
    """A criteria expression given with `option` and refused: the message, then the text with
    a caret under the column."""
    return f"{option}: column {err.column}: {err.message}\n  {text}\n  {' ' * (err.column - 1)}^"


class InertStream:
    """An output stream (stdout, stderr) that writes what it is given with every character a
    terminal would act on escaped (curator.core.inert): what a verb prints of a list — titles,
    names, bodies, problems echoing a bad value, what git says — cannot clear the screen or
    retitle the window, whichever verb prints it."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(inert(text, lines=True))

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, encoding…
        return getattr(self.stream, name)


@contextlib.contextmanager
def inert_output() -> Iterator[None]:
    """sys.stdout and sys.stderr made InertStreams while a verb runs."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = InertStream(out), InertStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


# what Markdown (GitHub's and GitLab's dialects) would act on in running text: escapes, code,
# emphasis, strike-through, links and images, raw HTML and entities, table cells, maths; an
# underscore inside a word is plain text there
_MARKDOWN_ACTIVE = re.compile(r"[\\`*\[\]<>|~&$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def markdown_inert(text: str) -> str:
    """Text someone else chose (a control's title) as it may sit in a Markdown line or table
    cell, rendering as the same characters: on one line, control and bidirectional
    characters written as escapes, and everything Markdown acts on escaped with a backslash."""
    flat = inert(" ".join(text.split()))
    return _MARKDOWN_ACTIVE.sub(lambda m: "\\" + m.group(), flat)


def print_json(document: Any) -> None:
    text = json.dumps(document, indent=2, ensure_ascii=False)
    # JSON escapes control characters below 0x20 itself; the others as JSON escapes too, so
    # that the stream has nothing to escape (its \x9b would not be JSON)
    sys.stdout.write(UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def print_problems(problems: list[Problem] | tuple[Problem, ...], stream=None) -> None:
    out = stream or sys.stdout
    for problem in problems:
        out.write(problem.render() + "\n")


def preload(module: str) -> None:
    """Start importing `module` in a thread, for a command that waits on git first: the import
    runs while this thread waits (numpy takes 0.07 s), and the command's own import of it later
    waits for this one to finish (or raises its error)."""
    threading.Thread(target=importlib.import_module, args=(module,), daemon=True).start()
