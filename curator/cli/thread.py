"""discuss: a control's thread, with what each proposed amendment would capture and release
(weighing takes numpy, which the other committee verbs do without)."""

from __future__ import annotations

import argparse

from curator.cli.common import add_list, list_root
from curator.cli.discussion import INDENT, committee_list
from curator.core import discussion, weigh
from curator.core.lookup import control_named
from curator.core.model import Comment, Control, ControlList


def register(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser(
        "discuss",
        help="show the discussion of a control",
        description="The thread on a control, oldest first: author, time, position, body, and "
        "what each proposed amendment would capture and release.",
    )
    p.add_argument("control_id", metavar="CONTROL-ID")
    add_list(p)
    p.set_defaults(func=discuss)


def discuss(args: argparse.Namespace) -> int:
    loaded, _ = committee_list(list_root(args), args.control_id)
    control = control_named(loaded.controls, args.control_id)
    comments = discussion.thread(loaded.comments, control.id)
    noun = "comment" if len(comments) == 1 else "comments"
    lines = [f"{control.id} — {control.title} · {control.status} · {len(comments)} {noun}"]
    for c in comments:
        lines += ["", *_comment_lines(control, c, loaded)]
    print("\n".join(lines))
    return 0


def _comment_lines(control: Control, c: Comment, loaded: ControlList) -> list[str]:
    heading = [c.author, c.at.replace("T", " ").replace("Z", " UTC")]
    if c.position:
        heading.append(f"position: {c.position}")
    lines = [" · ".join(heading)]
    if c.transition:
        lines.append(f"{INDENT}status {c.transition.before} → {c.transition.after}")
    lines += [f"{INDENT}{line}".rstrip() for line in c.body.splitlines()]
    effect = weigh.amendment_effect(control, c, loaded.manifest, loaded.catalogue)
    if c.amendment and effect is not None:
        applied = " (applied)" if effect.applied else ""
        lines.append(f"{INDENT}amendment to {c.amendment.item}{applied}: {c.amendment.match}")
        if c.amendment.text:
            lines.append(f"{INDENT}  proposed text: {c.amendment.text}")
        if effect.change is None:
            lines.append(f"{INDENT}  what if: cannot weigh: {effect.problem}")
        else:
            change = effect.change
            lines.append(
                f"{INDENT}  what if: newly captured {', '.join(change.newly_captured) or 'none'}"
                f" · released {', '.join(change.released) or 'none'}"
                f" · verdict {change.verdict_before} → {change.verdict_after}"
            )
    lines.append(f"{INDENT}[{c.file}]")
    return lines
