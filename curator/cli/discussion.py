"""comment, ballot, status, apply-amendment: the committee's verbs (`discuss`, which weighs each
amendment, is curator.cli.thread; `verify` and `sync`, which go through git, curator.cli.sharing)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from curator.cli.common import (
    add_as,
    add_format,
    add_list,
    list_root,
    print_json,
)
from curator.core import discussion, lifecycle
from curator.core.lookup import control_named
from curator.core.model import POSITIONS, STATUSES, Control, ControlList, Manifest
from curator.core.problems import CuratorError, InvalidValue
from curator.store.formats.files import TooLarge, read_given
from curator.store.formats.layout import DELIBERATION
from curator.store.git import identity
from curator.store.index.load import load, load_about
from curator.store.records import discussion as writing

INDENT = "    "


def register(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser(
        "comment",
        help="comment on a control, take a position, propose an amendment",
        description="Write one immutable comment file on a control. Everything is checked "
        "before anything is written.",
    )
    p.add_argument("control_id", metavar="CONTROL-ID")
    body = p.add_mutually_exclusive_group(required=True)
    body.add_argument("-m", "--message", dest="text", metavar="TEXT", help="the comment (Markdown)")
    body.add_argument(
        "--file", dest="body_file", metavar="F", help="read the comment from F (- for stdin)"
    )
    p.add_argument(
        "--position", metavar="P", default="", help=f"your position: {', '.join(POSITIONS)}"
    )
    p.add_argument(
        "--amend-item", metavar="LABEL", help="the paragraph the amendment replaces the criteria of"
    )
    p.add_argument("--amend-match", metavar="EXPR", help="the proposed criteria expression")
    p.add_argument(
        "--amend-text",
        metavar="TEXT",
        help="the paragraph's proposed text, stating the thresholds of --amend-match",
    )
    add_as(p)
    add_list(p)
    p.set_defaults(func=comment)

    p = verbs.add_parser(
        "ballot",
        help="each member's latest position on a control",
        description="Each member's latest position, who has none (no record), the tally and "
        "the balance of too loose against too tight. Without an id: one line per control.",
    )
    p.add_argument("control_id", metavar="CONTROL-ID", nargs="?")
    add_list(p)
    add_format(p)
    p.set_defaults(func=ballot)

    p = verbs.add_parser(
        "status",
        help="move a control through its lifecycle",
        description="Change a control's status (draft → proposed → under-review → recommended "
        "→ published → final; withdrawn or rejected from any open status; reopen to draft). "
        "The reason is recorded as a comment. Without NEW-STATUS: what you may move it to.",
    )
    p.add_argument("control_id", metavar="CONTROL-ID")
    p.add_argument("new_status", metavar="NEW-STATUS", nargs="?", choices=STATUSES)
    p.add_argument("-m", "--message", dest="reason", metavar="REASON", default="", help="why")
    add_as(p)
    add_list(p)
    p.set_defaults(func=status)

    p = verbs.add_parser(
        "apply-amendment",
        help="put a proposed amendment into its paragraph (chair)",
        description="Rewrite the paragraph's criteria (and its text, when the amendment "
        "proposes one) with the amendment in COMMENT-FILE and record which comment it came "
        "from. Refused when the paragraph's text would then state other thresholds than its "
        "criteria. Chair only.",
    )
    p.add_argument("comment_file", metavar="COMMENT-FILE")
    add_as(p)
    add_list(p)
    p.set_defaults(func=apply_amendment)


def committee_list(root: Path, control_id: str | None = None) -> tuple[ControlList, Manifest]:
    """The list as the committee's verbs need it, and its list.toml: without the public's
    comments, and with one control's discussion only when the verb is about one control (10^5
    comments take seconds)."""
    if control_id is None:
        loaded = load(root, folders=DELIBERATION)
    else:
        loaded = load_about(root, control_id)
    if loaded.manifest is None:
        raise CuratorError("list.toml is missing or broken: run `curator check`")
    return loaded, loaded.manifest


# ---------------------------------------------------------------- comment


def comment(args: argparse.Namespace) -> int:
    root = list_root(args)
    loaded, manifest = committee_list(root, args.control_id)
    author = identity.writer(manifest, root, args.as_member)
    text = args.text if args.body_file is None else _read_body(args.body_file)
    path = writing.post_comment(
        root,
        loaded,
        author,
        args.control_id,
        text,
        args.position,
        args.amend_item,
        args.amend_match,
        args.amend_text,
    )
    print(path)
    return 0


def _read_body(name: str) -> str:
    """A comment body from a file (or stdin, `-`): at most what a comment may hold, and only
    from a regular file (a pipe's name would wait for ever, /dev/zero never end)."""
    limit = 4 * discussion.MAX_BODY  # bytes: a character takes at most four in UTF-8
    try:
        if name == "-":
            raw = sys.stdin.buffer.read(limit + 1)
            if len(raw) > limit:
                raise TooLarge("stdin", len(raw), limit)
        else:
            raw = read_given(name, limit)
    except InvalidValue as err:  # the body's file, not how the command was asked: exit 1
        raise CuratorError(err.message) from None
    except TooLarge:
        raise CuratorError(
            f"{name}: the comment is over {limit:,} bytes; "
            f"the limit is {discussion.MAX_BODY:,} characters"
        ) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CuratorError(f"{name}: not UTF-8 text") from None


# ---------------------------------------------------------------- ballot


def ballot(args: argparse.Namespace) -> int:
    loaded, manifest = committee_list(list_root(args), args.control_id)
    members = manifest.members
    if args.control_id is not None:
        control = control_named(loaded.controls, args.control_id)
        result = discussion.ballot(control, members, loaded.comments)
        if args.format == "json":
            print_json(result.as_json())
        else:
            print("\n".join(_ballot_lines(control, result)))
        return 0
    ballots = [
        (control, discussion.ballot(control, members, loaded.comments))
        for _, control in sorted(loaded.controls.items())
    ]
    if args.format == "json":
        print_json({"ballots": [b.as_json() | {"status": c.status} for c, b in ballots]})
        return 0
    for control, result in ballots:
        print(
            f"{control.id:<12} {control.status:<13} {_tally_text(result):<48} "
            f"loose {result.balance['too-loose']} · tight {result.balance['too-tight']}"
        )
    return 0


def _ballot_lines(control: Control, result: discussion.Ballot) -> list[str]:
    held = dict(result.positions)
    everyone = [*held, *result.no_record]
    width = max((len(m) for m in everyone), default=0)
    lines = [f"{control.id} — {control.title} · {control.status}"]
    for member in everyone:
        lines.append(f"  {member:<{width}}  {held.get(member, discussion.NO_RECORD)}")
    balance = result.balance
    lines += [
        f"tally: {_tally_text(result)}",
        f"balance: too loose {balance['too-loose']} · too tight {balance['too-tight']}"
        f" ({result.leaning})",
    ]
    return lines


def _tally_text(result: discussion.Ballot) -> str:
    parts = [f"{position} {count}" for position, count in result.tally.items()]
    if result.no_record:
        parts.append(f"{discussion.NO_RECORD} {len(result.no_record)}")
    return ", ".join(parts) or "no members"


# ---------------------------------------------------------------- status, apply-amendment


def status(args: argparse.Namespace) -> int:
    root = list_root(args)
    loaded, manifest = committee_list(root, args.control_id)
    if args.new_status is None:
        control = control_named(loaded.controls, args.control_id)
        member = identity.acting(manifest, root, args.as_member)
        choices = lifecycle.allowed_transitions(control, member)
        who = member.id if member else "you (not recognised as a member)"
        print(f"{control.id} is {control.status}")
        print(f"{who} may move it to: {', '.join(choices) or 'nothing'}")
        return 0
    member = identity.writer(manifest, root, args.as_member)
    control = control_named(loaded.controls, args.control_id)
    path = writing.change_status(root, loaded, member, control.id, args.new_status, args.reason)
    print(f"{control.id}: {control.status} → {args.new_status} (recorded in {path})")
    return 0


def apply_amendment(args: argparse.Namespace) -> int:
    root = list_root(args)
    loaded, manifest = committee_list(root)
    identity.chair(manifest, root, args.as_member)
    applied, changed = writing.apply_amendment(root, loaded, args.comment_file)
    amendment = applied.amendment
    assert amendment is not None  # apply_amendment refuses a comment without one
    where = f"{applied.control} paragraph {amendment.item}"
    if changed:
        print(f"{where}: match = {amendment.match} (from {applied.file})")
    else:
        print(f"{where}: already carries the amendment from {applied.file}")
    return 0
