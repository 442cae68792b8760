"""The Public tab: public comments as rows, one comment in full, and how many are shown. The
statuses and who submitted come from core.public."""

from __future__ import annotations

from collections.abc import Sequence

from curator.core import public
from curator.core.model import PublicComment

COLUMNS = ("tracking", "submitter", "controls", "status")
EARLIER_TEXT = "This answer was given to an earlier text of the comment: review it"
NONE_HERE = "*No public comments here.*"


def status_words(comment: PublicComment) -> str:
    status = public.status_of(comment)
    return f"{status}, earlier text" if public.answers_earlier_text(comment) else status


def comment_row(comment: PublicComment) -> tuple[str, ...]:
    return (
        comment.tracking_number,
        public.submitter_of(comment),
        ", ".join(comment.mapped_controls) or public.GENERAL,
        status_words(comment),
    )


def comment_markdown(c: PublicComment) -> str:
    lines = [
        f"## {c.title or c.tracking_number}",
        "",
        f"*{public.submitter_of(c)} · {c.posted}*",
        "",
    ]
    if c.withdrawn:
        lines += ["**Withdrawn.**", ""]
    lines += [c.body or "", ""]
    if c.disposition:
        d = c.disposition
        lines += [f"**Answer ({d.action}, {d.by}, {d.at}):** {d.response}"]
        if public.answers_earlier_text(c):
            lines += ["", f"*{EARLIER_TEXT}.*"]
    return "\n".join(lines)


def count_line(shown: Sequence[PublicComment], total: int) -> str:
    if total > len(shown):
        return (
            f"the first {len(shown):,} of {total:,} comments, unanswered first: "
            "answer them, or pick a control (whole docket off), to see the rest"
        )
    return f"{len(shown):,} comment{'' if len(shown) == 1 else 's'}" if shown else ""
