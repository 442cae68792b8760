"""comments: import a regulations.gov bulk CSV, answer and map public comments, report."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from curator.cli.common import add_as, add_list, list_root, print_json, print_problems
from curator.core import public
from curator.core.model import Manifest
from curator.core.problems import CuratorError, InvalidValue
from curator.store.git import identity
from curator.store.records import public as files


def register(verbs: argparse._SubParsersAction) -> None:
    top = verbs.add_parser(
        "comments",
        help="public comments: import, answer, map, report",
        description="Public comments on the published list: import the regulations.gov bulk "
        "CSV, answer each comment, correct which controls it concerns, report the "
        "comment-response matrix.",
    )
    sub = top.add_subparsers(dest="comments_verb", metavar="SUB-VERB", required=True)

    p = sub.add_parser(
        "import",
        help="import a regulations.gov bulk-download CSV",
        description="Import a bulk-download CSV, one file per comment in "
        "public-comments/<docket>/<tracking-number>.toml. Re-importing is safe: unchanged "
        "comments are untouched; mappings and answers are never lost.",
    )
    p.add_argument("csv", metavar="CSV", type=Path)
    p.add_argument(
        "--docket",
        metavar="ID",
        help="the docket to import (default: the list's); it also names the docket of a CSV "
        "without a Docket ID column. Rows of any other docket are not imported",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    add_list(p)
    add_as(p)
    p.set_defaults(func=import_csv)

    p = sub.add_parser(
        "answer",
        help="record the committee's answer to a public comment",
        description="Record how the committee answered a comment, with who and when (UTC). "
        "A later answer replaces it.",
    )
    p.add_argument("tracking", metavar="TRACKING")
    p.add_argument("--action", required=True, choices=public.ACTIONS)
    p.add_argument("-m", "--message", dest="response", required=True, metavar="RESPONSE")
    add_list(p)
    add_as(p)
    p.set_defaults(func=answer)

    p = sub.add_parser(
        "map",
        help="correct which controls a public comment concerns",
        description="Set by hand the controls a comment concerns (kept on re-import); "
        "--general when it concerns none.",
    )
    p.add_argument("tracking", metavar="TRACKING")
    p.add_argument("controls", metavar="CONTROL", nargs="*")
    p.add_argument("--general", action="store_true", help="the comment concerns no control")
    add_list(p)
    add_as(p)
    p.set_defaults(func=map_comment)

    p = sub.add_parser(
        "report",
        help="the comment-response matrix",
        description="The comment-response matrix of one docket, grouped by control (and "
        "general), with counts per action and the unanswered comments first.",
    )
    p.add_argument("--format", choices=public.REPORT_FORMATS, default="markdown")
    p.add_argument(
        "--control", metavar="ID", help=f"only this control ('{public.GENERAL}': unmapped)"
    )
    p.add_argument(
        "--docket", metavar="ID", help="the docket to report on (default: the list's docket)"
    )
    add_list(p)
    p.set_defaults(func=report)


def _manifest(root: Path) -> Manifest:
    manifest = files.read_manifest(root)
    if manifest is None:
        raise CuratorError("list.toml is missing or broken: run `curator check`")
    return manifest


def import_csv(args: argparse.Namespace) -> int:
    root = list_root(args)
    identity.writer(_manifest(root), root, args.as_member)
    try:
        done = files.import_csv(root, args.csv, args.docket)
    except public.MissingColumns as err:
        if public.DOCKET_COLUMN not in err.missing:
            raise
        how = "pass --docket ID to say which docket its comments belong to"
        if err.missing == (public.DOCKET_COLUMN,):  # the rest is there: a bulk export
            message = f"missing column '{public.DOCKET_COLUMN}': {how}; nothing was imported"
        else:
            message = f"{err.message} (without a '{public.DOCKET_COLUMN}' column, {how})"
        raise CuratorError(f"{args.csv}: {message}") from None
    if args.format == "json":
        print_json(done.as_json())
    else:
        print_problems(done.problems, sys.stderr)
        if done.more_problems:
            print(f"… and {done.more_problems} more rows not imported", file=sys.stderr)
        for other in sorted(done.foreign):
            print(f"to import the comments of {other}, pass --docket {other}", file=sys.stderr)
        dockets = ", ".join(sorted(done.dockets)) or args.csv.name
        updated = f"{done.updated} updated"
        if done.earlier_text:
            updated += f" ({public.earlier_text_note(done.earlier_text)})"
        line = f"{dockets}: {done.rows} comments: {done.created} created, {updated}, "
        line += f"{done.unchanged} unchanged"
        if done.skipped:
            line += f"; {done.skipped} rows skipped (not public submissions)"
        if done.refused:
            line += f"; {done.refused} rows not imported"
        print(line)
    return 1 if done.problems else 0


def answer(args: argparse.Namespace) -> int:
    root = list_root(args)
    member = identity.writer(_manifest(root), root, args.as_member)
    change = files.answer(root, args.tracking, args.action, args.response, member)
    given = change.after.disposition
    assert given is not None  # answer always sets it
    line = f"{change.file}: {given.action} (by {given.by} at {given.at})"
    old = change.before.disposition
    if old is not None:
        line += f"; replaces {old.action} by {old.by} at {old.at}"
    print(line)
    return 0


def map_comment(args: argparse.Namespace) -> int:
    root = list_root(args)
    identity.writer(_manifest(root), root, args.as_member)
    if args.general == bool(args.controls):
        raise InvalidValue("name the controls the comment concerns, or pass --general alone")
    change = files.set_mapping(root, args.tracking, [] if args.general else args.controls)
    mapping = change.after.mapping
    print(f"{change.file}: mapped to {', '.join(mapping) if mapping else public.GENERAL}")
    return 0


def report(args: argparse.Namespace) -> int:
    # the loader and its checks (numpy and the rest): for the report only, not for an import
    from curator.store.index.load import load

    loaded = load(list_root(args), folders=("controls", "public-comments"))  # no discussion
    listed = loaded.manifest.docket if loaded.manifest else None
    docket = args.docket or (listed.id if listed else None)
    if docket is not None:
        public.check_docket(docket)
    found = public.matrix(loaded.public_comments, loaded.controls, args.control, docket)
    if len(found.dockets) > 1:  # a list with no docket of its own, comments of several
        raise CuratorError(
            f"public comments of {len(found.dockets)} dockets ({', '.join(found.dockets)}): "
            "choose one with --docket ID"
        )
    sys.stdout.write(public.report(found, args.format))
    others = Counter(c.docket for c in loaded.public_comments if docket not in (None, c.docket))
    for other, count in sorted(others.items()):
        print(
            f"not in this report: {count} comments of docket {other} "
            f"(report them with --docket {other})",
            file=sys.stderr,
        )
    return 0
