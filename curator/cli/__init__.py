"""The `curator` command: parses arguments, calls core and store, prints. No rules live here."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from curator import __version__
from curator.cli import common
from curator.core.problems import CuratorError

# each module registers its verbs; order is the order shown in --help. A run imports only the
# module of its verb (numpy, jinja2 and the rest are slow to import: docs/design.md §10)
VERBS = {
    "lists": ("check",),
    "writing": ("fmt", "new"),
    "roster": ("member", "item"),
    "weighing": ("weigh",),
    "thread": ("discuss",),
    "discussion": ("comment", "ballot", "status", "apply-amendment"),
    "sharing": ("verify", "sync"),
    "comments": ("comments",),
    "diffs": ("diff",),
    "versions": ("log", "release", "git-setup", "init"),
    "drivers": ("merge-file", "textconv"),
    "publishing": ("publish",),
    "interface": ("tui",),
}


# options taken before the verb as well as after it; each is followed by a value
BEFORE_VERB = ("--list", "--as")


def verb_of(argv: Sequence[str]) -> str | None:
    """The verb a command line names, if it names one before any other option."""
    words = iter(argv)
    for word in words:
        if word in BEFORE_VERB:
            next(words, None)
        elif not word.startswith(tuple(f"{option}=" for option in BEFORE_VERB)):
            return None if word.startswith("-") else word
    return None


def short_lived(argv: Sequence[str]) -> bool:
    """Whether the command answers and ends (every verb but the TUI, which is the default)."""
    return verb_of(argv) not in (None, "tui")


def modules(verb: str | None = None) -> list:
    """The modules that register `verb` (all of them if it is None or unknown)."""
    names = [name for name, verbs in VERBS.items() if verb in verbs] or list(VERBS)
    return [importlib.import_module(f"curator.cli.{name}") for name in names]


def parser(verb: str | None = None) -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="curator",
        description="Weigh, discuss, version and publish candidate export controls. "
        "Run without a verb to open the terminal UI.",
    )
    top.add_argument("--version", action="version", version=f"curator {__version__}")
    top.add_argument(
        "--list", metavar="DIR", help="the list folder (default: $CURATOR_LIST or lists/*/)"
    )
    top.add_argument(
        "--as",
        dest="as_member",
        metavar="MEMBER",
        help="act as this member (default: $CURATOR_MEMBER, else the member whose email is "
        "`git config user.email`)",
    )
    verbs = top.add_subparsers(dest="verb", metavar="VERB")
    for module in modules(verb):
        module.register(verbs)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not short_lived(argv):  # the terminal UI draws the screen itself (curator.tui.app)
        return _main(argv)
    with common.inert_output():  # nothing a verb prints can act on the terminal
        return _main(argv)


def _main(argv: list[str]) -> int:
    args = parser(verb_of(argv)).parse_args(argv)
    if args.verb is None:  # the options before no verb are the TUI's
        args = parser("tui").parse_args([*argv, "tui"])
    try:
        return int(args.func(args) or 0)
    except CuratorError as err:
        print(common.rendered(err), file=sys.stderr)
        return common.exit_code(err)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # a bug, not bad input: say so briefly, never dump a traceback
        if os.environ.get("CURATOR_DEBUG"):
            raise
        print(
            f"curator: internal error: {type(err).__name__}: {err} (set CURATOR_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 70


def run() -> NoReturn:
    """The `curator` command: `main`, then out at once. Tearing down what a check of 10^5
    files built, object by object, is work the system does in one go when the process ends."""
    if short_lived(sys.argv[1:]):
        from curator.store.index.cache import set_aside_after_pauses

        set_aside_after_pauses()
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away (`curator log | head`): nothing to tell
        pass
    os._exit(code)


__all__ = ["common", "main", "parser", "run", "verb_of"]
