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
from curator.core.problems import (
    Broken,
    CuratorError,
    InputProblem,
    InvalidExpression,
    InvalidValue,
    NotFound,
    Problem,
    Refused,
    Unavailable,
)
from curator.store.setup.discover import find_list

if TYPE_CHECKING:
    from curator.core.criteria import ExprError

# the option each field the core names is given with, where a refusal is worded by it
OPTION_OF = {
    "to": "--to",
    "match": "--match",
    "amendment.match": "--amend-match",
    "name": "--name",
    "email": "--email",
    "maker": "--maker",
    "origin": "--origin",
    "kind": "--kind",
    "param": "--param",
    "source": "--source",
}

# what a problem of a Refused adds, by its code: what to do instead
HINT_CHAIR = "hand the chair to another member first (curator member set-role OTHER chair)"
HINTS = {
    "removing-chair": HINT_CHAIR,
    "demoting-chair": HINT_CHAIR,
    "chairs": "make one of them the chair (curator member set-role ID chair)",
    "has-authored": "make them an observer instead (curator member set-role {value} "
    "observer), who keeps the attribution and cannot write",
}

# what a refusal of a field adds, in the words of the options: by the kind of refusal
ADVICE: dict[tuple[type[CuratorError], str | None], str] = {
    (InvalidValue, "body"): "write something with -m TEXT or --file F",
    (InvalidValue, "amendment"): "give both --amend-item LABEL and --amend-match EXPR",
    (InvalidValue, "amendment.text"): "give --amend-match EXPR with --amend-text",
    (NotFound, "match"): "give one with --match",
    (NotFound, "member"): "pass --as MEMBER, set CURATOR_MEMBER, or set `git config user.email` "
    "to the email listed for you in list.toml",
    (Broken, None): "run `curator check`",  # whatever its field
}


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
    return with_caret(option, text, err.column, err.message)


def with_caret(option: str, text: str, column: int, reason: str) -> str:
    return f"{option}: column {column}: {reason}\n  {text}\n  {' ' * (column - 1)}^"


def exit_code(err: CuratorError) -> int:
    """2 for a request that cannot be taken as asked (a usage error), else 1."""
    return 2 if isinstance(err, InvalidValue | Unavailable) else 1


def rendered(err: CuratorError) -> str:
    """What the CLI prints for `err`: the message in the words of the options, each line
    `curator: …` (or `path:line: …` when it concerns a file); an indented line (an expression
    and its caret) keeps its column."""
    option = OPTION_OF.get(err.field or "")
    if isinstance(err, Refused):
        message = "\n".join(_problem_text(p) for p in err.problems)
    elif isinstance(err, InvalidExpression):
        message = with_caret(option or err.field or "", err.value, err.column or 1, err.reason)
    elif isinstance(err, InvalidValue) and option is not None:
        message = f"{option}: {err.message}"
    else:
        message = err.message
    advice = next(
        (
            words
            for (kind, field), words in ADVICE.items()
            if isinstance(err, kind) and field in (None, err.field)
        ),
        None,
    )
    if advice:
        first, _, rest = message.partition("\n")
        message = f"{first}: {advice}" + (f"\n{rest}" if rest else "")
    prefix = "" if err.file else "curator: "
    lines = message.splitlines() or [""]
    return "\n".join(line if line[:1].isspace() else f"{prefix}{line}" for line in lines)


def _problem_text(problem: InputProblem) -> str:
    """One problem of a refusal: the option its value was given with, what is wrong, and what
    to do instead."""
    option = OPTION_OF.get(problem.field)
    hint = HINTS.get(problem.code, "").format(value=problem.value)
    return (f"{option}: " if option else "") + problem.render() + (f": {hint}" if hint else "")


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
    runs while this thread waits (numpy is slow to import), and the command's own import of it later
    waits for this one to finish (or raises its error)."""
    threading.Thread(target=importlib.import_module, args=(module,), daemon=True).start()
