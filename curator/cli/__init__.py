"""The `curator` command: parses arguments, calls core and store, prints. No rules live here."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from curator import __version__
from curator.cli import (
    comments,
    common,
    discussion,
    interface,
    lists,
    publishing,
    versions,
    weighing,
)
from curator.core.problems import CuratorError

# each module registers its verbs; order is the order shown in --help
MODULES = [lists, weighing, discussion, comments, versions, publishing, interface]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="curator",
        description="Weigh, discuss, version and publish candidate export controls. "
        "Run without a verb to open the terminal UI.",
    )
    top.add_argument("--version", action="version", version=f"curator {__version__}")
    top.add_argument(
        "--list", metavar="DIR", help="the list folder (default: $CURATOR_LIST or lists/*/)"
    )
    verbs = top.add_subparsers(dest="verb", metavar="VERB")
    for module in MODULES:
        module.register(verbs)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.verb is None:
        args = parser().parse_args(["tui", *(["--list", args.list] if args.list else [])])
    try:
        return int(args.func(args) or 0)
    except CuratorError as err:
        print(f"curator: {err.message}", file=sys.stderr)
        return err.exit_code
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


__all__ = ["common", "main", "parser"]
