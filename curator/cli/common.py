"""Pieces every verb shares: the list option, output format, printing problems."""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curator.core.problems import Problem
from curator.store.discover import find_list

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


# control characters move the cursor or clear the screen; bidirectional overrides reorder text
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def inert(text: str) -> str:
    """Text someone else chose (a git author's name, a commit subject) as it may be shown on a
    terminal: control and bidirectional characters written as escapes such as \\x1b."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


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
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def print_problems(problems: list[Problem] | tuple[Problem, ...], stream=None) -> None:
    out = stream or sys.stdout
    for problem in problems:
        out.write(problem.render() + "\n")


def preload(module: str) -> None:
    """Start importing `module` in a thread, for a command that waits on git first: the import
    runs while this thread waits (numpy takes 0.07 s), and the command's own import of it later
    waits for this one to finish (or raises its error)."""
    threading.Thread(target=importlib.import_module, args=(module,), daemon=True).start()
