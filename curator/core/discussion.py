"""Discussion of a control: the thread, new comments, ballots and what an amendment would do.

A position is an event (IETF datatracker style): a member's ballot is the newest comment in
which they took one; members who never did are "no record"; observers do not vote.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from curator.core import agreement, criteria
from curator.core.inert import first_unsafe, unsafe_message
from curator.core.model import (
    POSITIONS,
    Amendment,
    Comment,
    Control,
    Member,
    Paragraph,
    Parameter,
)
from curator.core.problems import CuratorError, InvalidExpression, InvalidValue, NotFound

MAX_BODY = 200_000  # the comment schema's limit


BALANCE = ("too-loose", "too-tight")
NO_RECORD = "no record"

# the `.N` a second comment in the same second adds to the file name's stamp
_SEQUENCE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{6}Z\.([0-9]+)-")


# ---------------------------------------------------------------- the thread


def comment_order(comment: Comment) -> tuple[dt.datetime, int, str]:
    """Oldest first: by time, then by the same-second sequence in the file name."""
    return (_instant(comment.at), _sequence(comment.file), comment.file)


def thread(comments: Iterable[Comment], control_id: str) -> tuple[Comment, ...]:
    """The comments on one control, oldest first, newest last."""
    return tuple(sorted((c for c in comments if c.control == control_id), key=comment_order))


def last_moves(comments: Iterable[Comment]) -> dict[str, Comment]:
    """Per control, the newest comment that records a change of its status."""
    last: dict[str, Comment] = {}
    for comment in comments:
        if comment.transition is None:
            continue
        known = last.get(comment.control)
        if known is None or comment_order(comment) > comment_order(known):
            last[comment.control] = comment
    return last


def unfinished(move: Comment, status: str) -> bool:
    """Whether the change of status `move` records was not made: its control, now `status`,
    still has the status it was moving from (a status change stopped between writing the
    comment and the control)."""
    return move.transition is not None and status == move.transition.before != move.transition.after


def unfinished_move(
    comments: Iterable[Comment], control: Control, new: str, author: str
) -> Comment | None:
    """`author`'s comment recording the move of `control` to `new`, if it is the last move
    recorded and was not made (`unfinished`): making the move again finishes that one."""
    last = last_moves(comments).get(control.id)
    if last is None or last.author != author or not unfinished(last, control.status):
        return None
    return last if last.transition is not None and last.transition.after == new else None


def _instant(at: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(at)
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _sequence(file: str) -> int:
    found = _SEQUENCE.match(file.rsplit("/", 1)[-1])
    return int(found.group(1)) if found else 1


def author_named(file: str) -> str:
    """The member a comment file's name gives as its author: `…/2026-11-28T012200Z-industry-1.toml`
    is industry-1's (the stamp holds two hyphens, a member id any number)."""
    return file.rsplit("/", 1)[-1].removesuffix(".toml").split("-", 3)[-1]


# ---------------------------------------------------------------- ballots


@dataclass(frozen=True)
class Ballot:
    control: str
    positions: tuple[tuple[str, str], ...]  # (member, latest position), in list.toml order
    no_record: tuple[str, ...]

    @property
    def tally(self) -> dict[str, int]:
        """How many members hold each position (positions nobody holds are left out)."""
        held = [position for _, position in self.positions]
        return {p: held.count(p) for p in POSITIONS if p in held}

    @property
    def balance(self) -> dict[str, int]:
        """The two failures weighed against each other: how many say too loose, too tight."""
        held = [position for _, position in self.positions]
        return {side: held.count(side) for side in BALANCE}

    @property
    def leaning(self) -> str:
        """too-loose or too-tight when more members say so than the other, else even."""
        loose, tight = (self.balance[side] for side in BALANCE)
        return "too-loose" if loose > tight else "too-tight" if tight > loose else "even"

    def as_json(self) -> dict[str, Any]:
        return {
            "control": self.control,
            "positions": dict(self.positions),
            "no_record": list(self.no_record),
            "tally": self.tally,
            "balance": self.balance,
        }


def voters(members: Iterable[Member]) -> tuple[Member, ...]:
    """Members who hold a ballot: everyone but observers."""
    return tuple(m for m in members if m.role != "observer")


def ballot(control: Control, members: Sequence[Member], comments: Iterable[Comment]) -> Ballot:
    """Each voting member's latest position on `control`; the rest are no record."""
    voting = voters(members)
    latest: dict[str, str] = {}
    for comment in thread(comments, control.id):
        if comment.position:
            latest[comment.author] = comment.position  # newer comments come later and win
    return Ballot(
        control=control.id,
        positions=tuple((m.id, latest[m.id]) for m in voting if m.id in latest),
        no_record=tuple(m.id for m in voting if m.id not in latest),
    )


# ---------------------------------------------------------------- writing a comment


def new_comment(
    control: Control,
    parameters: Mapping[str, Parameter],
    author: Member,
    at: dt.datetime,
    body: str,
    position: str = "",
    amend_item: str | None = None,
    amend_match: str | None = None,
    transition: tuple[str, str] | None = None,
    amend_text: str | None = None,
) -> dict[str, Any]:
    """The data of a new comment file, after checking everything a comment must satisfy.

    The author is already known to be allowed to write (curator.core.roles). Refuses, naming
    the field: an empty or oversized body, a position outside the enum (NotFound), half an
    amendment (InvalidValue), an amendment on a paragraph the control lacks (NotFound), one
    whose expression does not parse (InvalidExpression), or one whose proposed text states
    other thresholds than its criteria.
    """
    text = body.strip()
    if not text and transition is None:
        raise InvalidValue("the comment is empty", field="body", value=body)
    if len(text) > MAX_BODY:
        raise CuratorError(
            f"the comment is {len(text):,} characters; the limit is {MAX_BODY:,}", field="body"
        )
    unsafe = first_unsafe(text)
    if unsafe is not None:
        raise CuratorError(f"the comment {unsafe_message(unsafe)}", field="body")
    if position and position not in POSITIONS:
        raise NotFound(
            f"'{position}' is not a position (positions: {', '.join(POSITIONS)})",
            field="position",
            value=position,
            suggestions=POSITIONS,
        )
    if (amend_item is None) != (amend_match is None):
        raise InvalidValue(
            "an amendment needs both the paragraph it changes and its new expression",
            field="amendment",
        )
    if amend_text is not None and amend_match is None:
        raise InvalidValue(
            "a proposed text goes with a proposed expression",
            field="amendment.text",
            value=amend_text,
        )
    data: dict[str, Any] = {"author": author.id, "at": at.astimezone(dt.UTC)}
    if position:
        data["position"] = position
    if text:
        data["body"] = text
    if amend_item is not None and amend_match is not None:
        data["amendment"] = {
            "item": amend_item,
            "match": checked_amendment(control, parameters, amend_item, amend_match),
        }
        if amend_text is not None:
            data["amendment"]["text"] = agreed_text(
                amend_text, data["amendment"]["match"], parameters
            )
    if transition is not None:
        data["transition"] = {"from": transition[0], "to": transition[1]}
    return data


def checked_amendment(
    control: Control, parameters: Mapping[str, Parameter], item: str, match: str
) -> str:
    """The amendment's expression, once the paragraph exists and the expression parses."""
    if control.paragraph(item) is None:
        labels = tuple(p.label for p in control.items)
        raise NotFound(
            f"{control.id} has no paragraph '{item}' (paragraphs: {', '.join(labels) or 'none'})",
            field="amendment.item",
            value=item,
            suggestions=labels,
        )
    text = match.strip()
    try:
        criteria.parse(text, parameters)
    except criteria.ExprError as err:
        raise InvalidExpression(
            f"the amendment's expression, column {err.column}: {err.message}",
            field="amendment.match",
            value=text,
            column=err.column,
            reason=err.message,
        ) from None
    return text


def agreed_text(text: str, match: str, parameters: Mapping[str, Parameter]) -> str:
    """A proposed paragraph text, once it states the thresholds its criteria use and no others."""
    proposed = text.strip()
    if not proposed:
        raise CuratorError("the proposed text is empty", field="amendment.text")
    found = agreement.disagreements(proposed, criteria.parse(match, parameters), parameters)
    if found:
        raise CuratorError(
            f"the proposed text and criteria disagree: {'; '.join(found)}", field="amendment.text"
        )
    return proposed


def amended_paragraph(
    control: Control,
    parameters: Mapping[str, Parameter],
    amendment: Amendment,
    controls: Mapping[str, Control],
) -> Paragraph:
    """The paragraph as an amendment leaves it: its criteria, and its text when the amendment
    proposes one. Refused (CuratorError) when the result's text and criteria would contradict
    each other: a published rule must not say one threshold and apply another."""
    match = checked_amendment(control, parameters, amendment.item, amendment.match)
    paragraph = control.paragraph(amendment.item)
    assert paragraph is not None  # checked_amendment refuses a paragraph the control lacks
    after = replace(paragraph, match=match, text=amendment.text or paragraph.text)
    changed = replace(
        control, items=tuple(after if p.label == after.label else p for p in control.items)
    )
    text = agreement.paragraph_text(changed, after.label)
    expr = criteria.parse(match, parameters)
    found = agreement.disagreements(text, expr, parameters, agreement.cited_in(controls))
    if found:
        advice = (
            "propose a text that agrees"
            if amendment.text
            else "propose the paragraph's text with the criteria"
        )
        raise CuratorError(
            f"{control.id} paragraph {after.label} would contradict itself: "
            f"{'; '.join(found)}; {advice}",
            field="amendment",
        )
    return after
