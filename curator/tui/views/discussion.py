"""The Discussion tab: the ballot line and the thread, each amendment with its what-if."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from curator.core import discussion, weigh
from curator.core.model import Comment, Control, ControlList

NO_COMMENTS = "*No comments yet. Write the first one below.*"


def ballot_line(ballot: discussion.Ballot) -> str:
    held = ", ".join(f"{m}: {p}" for m, p in ballot.positions) or "no positions yet"
    loose, tight = ballot.balance["too-loose"], ballot.balance["too-tight"]
    return (
        f"Ballot — {held} · no record: {len(ballot.no_record)} · "
        f"too loose {loose} / too tight {tight}"
    )


def amendment_note(effect: weigh.AmendmentEffect) -> str:
    """What an amendment would change, or why it cannot be weighed."""
    if effect.change is None:
        return effect.problem
    c = effect.change
    return (
        f"what-if: newly captured {', '.join(c.newly_captured) or 'none'}; "
        f"released {', '.join(c.released) or 'none'}; "
        f"verdict {c.verdict_before} → {c.verdict_after}" + (" (applied)" if effect.applied else "")
    )


def amendment_notes(
    control: Control, comments: Sequence[Comment], loaded: ControlList
) -> dict[str, str]:
    """Each amending comment's note, by its file."""
    notes = {}
    for comment in comments:
        effect = weigh.amendment_effect(control, comment, loaded.manifest, loaded.catalogue)
        if effect is not None:
            notes[comment.file] = amendment_note(effect)
    return notes


def thread_markdown(comments: Sequence[Comment], amendment_notes: Mapping[str, str]) -> str:
    if not comments:
        return NO_COMMENTS
    out = []
    for c in comments:
        head = f"**{c.author}** · {c.at}"
        if c.position:
            head += f" · position: **{c.position}**"
        if c.transition:
            head += f" · status {c.transition.before} → {c.transition.after}"
        out += [head, "", c.body or "", ""]
        if c.amendment:
            out += [f"> amendment to **{c.amendment.item}**: `{c.amendment.match}`"]
            note = amendment_notes.get(c.file)
            if note:
                out += [f"> {note}"]
            out += [""]
        out += ["---", ""]
    return "\n".join(out)


def thread_page(control: Control, comments: Sequence[Comment], loaded: ControlList) -> str:
    """The thread of a control as Markdown, each amendment with its what-if."""
    return thread_markdown(comments, amendment_notes(control, comments, loaded))
