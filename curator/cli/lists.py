"""check: validate every file of the list (`fmt` and `new`, which write files, are
curator.cli.writing)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from curator.cli.common import (
    add_format,
    add_list,
    print_json,
    print_problems,
)
from curator.core.counts import counted
from curator.core.problems import Problem
from curator.store.formats.layout import beside_files
from curator.store.git import drivers
from curator.store.index import incremental
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
    if not beside_files(root):
        return loaded
    from curator.store.records import destinations  # (its tables: for a list that has them)

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
    problems = counted(len(loaded.problems), "problem") if loaded.problems else "no problems"
    summary = f"{counted(loaded.files, 'file')}, {problems}"
    if loaded.broken:
        summary += f", {counted(len(loaded.broken), 'file')} could not be used"
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
