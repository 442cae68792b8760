"""fmt, new: the verbs that write list files (the canonical layout, a new draft control)."""

from __future__ import annotations

import argparse
import sys

from curator.cli.common import add_as, add_list, list_root
from curator.core.problems import CuratorError
from curator.store.formats.atomic import clean_stale_temps
from curator.store.formats.layout import beside_files
from curator.store.formats.write import control_path, rewrite
from curator.store.git import identity
from curator.store.index import cache, incremental
from curator.store.index.load import load
from curator.store.records.edit import create_control


def register(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser(
        "fmt",
        help="rewrite files into the canonical layout",
        description="Rewrite list files into the canonical layout (comments kept). Broken files are never rewritten: exit 1 while any remains.",
    )
    add_list(p)
    p.add_argument(
        "--check", action="store_true", help="only list files that are not canonical; exit 1 if any"
    )
    p.set_defaults(func=fmt)

    p = verbs.add_parser(
        "new",
        help="create a draft control",
        description="Create a canonical, valid draft control file.",
    )
    add_list(p)
    p.add_argument("control_id", metavar="CONTROL-ID")
    p.add_argument("--title", required=True)
    p.add_argument("--area", required=True)
    add_as(p)
    p.set_defaults(func=new)


def fmt(args: argparse.Namespace) -> int:
    root = list_root(args)
    if not args.check:
        clean_stale_temps(root)
    loaded = incremental.check(root)
    changes = list(cache.unformatted(root, loaded.usable))
    beside = None
    if beside_files(root):
        from curator.store.records import destinations  # (its tables: for a list that has them)

        beside = destinations.load(root)
        changes += destinations.unformatted(root, beside.usable)
    for change in changes:
        if args.check:
            print(f"{change.path}: not in canonical form")
        else:
            rewrite(root, change)
            print(f"{change.path}: reformatted")
    broken = [*loaded.broken, *(beside.broken if beside else ())]
    for path in sorted(broken):
        print(f"{path}: not formatted (broken: run `curator check`)", file=sys.stderr)
    if args.check and changes:
        return 1
    return 1 if broken else 0  # a file that cannot be read was not formatted


def new(args: argparse.Namespace) -> int:
    root = list_root(args)
    control_path(root, args.control_id)  # refuse a bad id before anything else
    loaded = load(root)
    if loaded.manifest is None:
        raise CuratorError("list.toml is broken: run `curator check`")
    member = identity.writer(loaded.manifest, root, args.as_member)
    path = create_control(root, loaded, args.control_id, args.title, args.area, member)
    print(f"{path.relative_to(root).as_posix()}: created draft {args.control_id}")
    return 0
