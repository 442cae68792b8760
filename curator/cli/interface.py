"""tui: open the terminal UI (also what `curator` alone does)."""

from __future__ import annotations

import argparse

from curator.cli.common import add_as, add_list, list_root
from curator.core.problems import CuratorError
from curator.store.git import identity
from curator.store.records.roster import read_list_file


def register(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser(
        "tui", help="open the terminal UI", description="Open the terminal UI on the list."
    )
    add_list(p)
    add_as(p)
    p.set_defaults(func=tui)


def tui(args: argparse.Namespace) -> int:
    from curator.tui.app import run

    root = list_root(args)
    try:
        manifest = read_list_file(root).manifest
    except CuratorError:  # a broken list.toml: the TUI opens read-only and shows its problems
        pass
    else:
        identity.check_named(manifest, args.as_member)  # before the screen takes the terminal
    run(root, args.as_member)
    return 0
