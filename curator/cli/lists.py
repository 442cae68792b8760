"""check, fmt, new: the list format verbs."""

from __future__ import annotations

import argparse
import sys

from curator.cli.common import add_format, add_list, list_root, print_json, print_problems
from curator.core.problems import CuratorError
from curator.store import cache, identity, incremental
from curator.store.atomic import clean_stale_temps
from curator.store.edit import create_control
from curator.store.load import load
from curator.store.write import control_path, rewrite


def register(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser(
        "check",
        help="validate every file of the list",
        description="Validate every file: schema, references, criteria. Exit 0 clean, 1 problems, 2 usage.",
    )
    add_list(p)
    add_format(p)
    p.set_defaults(func=check)

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
    p.add_argument("--as", dest="as_member", metavar="MEMBER", help="act as this member")
    p.set_defaults(func=new)


def check(args: argparse.Namespace) -> int:
    root = list_root(args)
    loaded = incremental.check(root)
    if args.format == "json":
        print_json(
            {
                "ok": not loaded.problems,
                "files": loaded.files,
                "problems": [p.as_json() for p in loaded.problems],
                "notices": [p.as_json() for p in loaded.notices],
            }
        )
    else:
        print_problems(loaded.problems)
        print_problems(loaded.notices)
        broken = len(loaded.broken)
        summary = f"{loaded.files} files, {len(loaded.problems) or 'no'} problems"
        if broken:
            summary += f", {broken} files could not be used"
        if loaded.notices:
            noun = "notice" if len(loaded.notices) == 1 else "notices"
            summary += f", {len(loaded.notices)} {noun} (files that are not list files)"
        print(summary, file=sys.stderr)
    return 1 if loaded.problems else 0


def fmt(args: argparse.Namespace) -> int:
    root = list_root(args)
    if not args.check:
        clean_stale_temps(root)
    loaded = incremental.check(root)
    changes = list(cache.unformatted(root, loaded.usable))
    for change in changes:
        if args.check:
            print(f"{change.path}: not in canonical form")
        else:
            rewrite(root, change)
            print(f"{change.path}: reformatted")
    for path in sorted(loaded.broken):
        print(f"{path}: not formatted (broken: run `curator check`)", file=sys.stderr)
    if args.check and changes:
        return 1
    return 1 if loaded.broken else 0  # a file that cannot be read was not formatted


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
