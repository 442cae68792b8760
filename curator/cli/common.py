"""Pieces every verb shares: the list option, output format, printing problems."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from curator.core.inert import UNSAFE, inert
from curator.core.problems import Problem
from curator.store.discover import find_list


def add_list(p: argparse.ArgumentParser) -> None:
    p.add_argument("--list", metavar="DIR", default=argparse.SUPPRESS, help="the list folder")


def add_format(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def add_as(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as", dest="as_member", metavar="MEMBER", help="act as this member")


def list_root(args: argparse.Namespace) -> Path:
    return find_list(getattr(args, "list", None))


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
