"""check, fmt, new: the list format verbs."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from curator.cli.common import (
    add_as,
    add_format,
    add_list,
    list_root,
    print_json,
    print_problems,
)
from curator.core.problems import CuratorError, Problem
from curator.store.formats.atomic import clean_stale_temps
from curator.store.formats.write import control_path, rewrite
from curator.store.git import drivers, identity
from curator.store.index import cache, incremental
from curator.store.index.load import load
from curator.store.records import destinations
from curator.store.records.edit import create_control
from curator.store.setup.discover import find_lists


def register(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser(
        "check",
        help="validate every file of the list",
        description="Validate every file: schema, references, criteria. Without --list in a "
        "folder of several lists (lists/*/), each is checked, with a summary line each. "
        "Exit 0 clean, 1 problems, 2 usage.",
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
    add_as(p)
    p.set_defaults(func=new)


def check(args: argparse.Namespace) -> int:
    roots = find_lists(getattr(args, "list", None))
    if len(roots) == 1:
        return _check_one(roots[0], args.format)
    # several lists: each problem's file named from here, and a summary line per list
    results = [(_shown(root), _check_list(root)) for root in roots]
    if args.format == "json":
        print_json(
            {
                "ok": not any(loaded.problems for _, loaded in results),
                "lists": [{"list": name, **_check_json(loaded)} for name, loaded in results],
            }
        )
    else:
        for name, loaded in results:
            print_problems([_within(name, p) for p in loaded.problems])
        for name, loaded in results:
            print(f"{name}: {_summary(loaded)}", file=sys.stderr)
    return 1 if any(loaded.problems for _, loaded in results) else 0


def _check_list(root: Path) -> incremental.Checked:
    """The list's check, with its destinations and licensing files (store.records.destinations)."""
    loaded = incremental.check(root)
    if not destinations.paths(root):
        return loaded
    found = destinations.load_beside(root)
    return replace(
        loaded,
        problems=tuple(sorted(loaded.problems + found.problems)),
        files=loaded.files + found.files,
        broken=loaded.broken + found.broken,
    )


def _check_one(root: Path, format: str) -> int:
    loaded = _check_list(root)
    if format == "json":
        print_json(_check_json(loaded))
    else:
        print_problems(loaded.problems)
        print_problems(loaded.notices)
        print(_summary(loaded), file=sys.stderr)
    trouble = drivers.trouble(root)
    if trouble:
        print(f"curator: warning: {trouble}", file=sys.stderr)
    return 1 if loaded.problems else 0


def _check_json(loaded: incremental.Checked) -> dict:
    return {
        "ok": not loaded.problems,
        "files": loaded.files,
        "problems": [p.as_json() for p in loaded.problems],
        "notices": [p.as_json() for p in loaded.notices],
    }


def _summary(loaded: incremental.Checked) -> str:
    summary = f"{loaded.files} files, {len(loaded.problems) or 'no'} problems"
    broken = len(loaded.broken)
    if broken:
        summary += f", {broken} files could not be used"
    if loaded.notices:
        noun = "notice" if len(loaded.notices) == 1 else "notices"
        summary += f", {len(loaded.notices)} {noun} (files that are not list files)"
    return summary


def _shown(root: Path) -> str:
    """A list folder as the user would type it from here."""
    try:
        return root.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(root)


def _within(folder: str, problem: Problem) -> Problem:
    return replace(problem, file=f"{folder}/{problem.file}")


def fmt(args: argparse.Namespace) -> int:
    root = list_root(args)
    if not args.check:
        clean_stale_temps(root)
    loaded = incremental.check(root)
    beside = destinations.load(root) if destinations.paths(root) else None
    changes = list(cache.unformatted(root, loaded.usable))
    changes += destinations.unformatted(root, beside.usable) if beside else []
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
