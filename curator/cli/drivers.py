"""merge-file, textconv: the commands git runs for list files, once per file (so they import
little: a `git diff` of a hundred files starts a hundred of them)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from curator.store.formats.files import read_given
from curator.store.git.drivers import readable
from curator.store.git.merge import merge_driver


def register(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser(
        "merge-file",
        help="git merge driver: merge a list file field by field",
        description="Called by git as `curator merge-file %O %A %B %P` (set up by `curator "
        "git-setup`): writes the merge into OURS; exit 0 when clean, 1 when the same field was "
        "changed differently on both sides (markers surround only that field).",
    )
    p.add_argument("base", metavar="BASE", type=Path)
    p.add_argument("ours", metavar="OURS", type=Path)
    p.add_argument("theirs", metavar="THEIRS", type=Path)
    p.add_argument("path", metavar="PATH", help="the file's path in the repository")
    p.set_defaults(func=merge_file)

    p = verbs.add_parser(
        "textconv",
        help="git diff driver: print a list file in canonical form",
        description="Print a list file in canonical form, comments dropped: what `git diff` "
        "compares once `curator git-setup` has registered it as diff.curator.textconv.",
    )
    p.add_argument("file", metavar="FILE", type=Path)
    p.set_defaults(func=textconv)


def merge_file(args: argparse.Namespace) -> int:
    result = merge_driver(args.base, args.ours, args.theirs, args.path)
    if result.line_merge:
        print(f"curator: {args.path}: merged line by line ({result.line_merge})", file=sys.stderr)
        return 1 if result.line_conflicts else 0
    if result.conflicts:
        sides = result.sides
        print(
            f"curator: conflict in {args.path}: both sides changed {', '.join(result.conflicts)} "
            f"differently. Conflict markers (<<<<<<< {sides.ours} … ======= … >>>>>>> "
            f"{sides.theirs}) surround only those fields: keep the right value, delete the "
            "markers, then run `curator check`.",
            file=sys.stderr,
        )
        return 1
    return 0


def textconv(args: argparse.Namespace) -> int:
    sys.stdout.write(readable(read_given(args.file)))
    return 0
