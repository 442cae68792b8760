"""tui: open the terminal UI (also what `curator` alone does)."""

from __future__ import annotations

import argparse

from curator.cli.common import add_as, add_list, list_root


def register(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser(
        "tui", help="open the terminal UI", description="Open the terminal UI on the list."
    )
    add_list(p)
    add_as(p)
    p.set_defaults(func=tui)


def tui(args: argparse.Namespace) -> int:
    from curator.tui.app import run

    run(list_root(args), args.as_member)
    return 0
