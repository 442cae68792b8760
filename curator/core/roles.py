"""Who may do what (docs/design.md §5). One place for the rule; CLI and TUI both ask here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from curator.core.model import Manifest, Member
from curator.core.problems import NotAllowed, NotFound, Refused
from curator.core.roster import unknown_member


def resolve_member(manifest: Manifest, member_id: str | None, email: str | None) -> Member | None:
    """The acting member: an explicit id first (one that names nobody is refused, naming the
    members), else the member whose email matches; in the role they may act in (see
    `acting_as`)."""
    if member_id:
        found = manifest.member(member_id)
        if found is None:
            raise Refused((unknown_member(manifest.members, member_id),))
    elif email:
        found = next((m for m in manifest.members if is_email_of(m, email)), None)
    else:
        found = None
    return None if found is None else acting_as(manifest, found)


def is_email_of(member: Member | None, email: str) -> bool:
    """Whether `email` is the one list.toml gives `member` (case aside): how a member is told
    by a git identity, when curator commits and when verify reads history."""
    listed = member.email.strip().lower() if member is not None else ""
    return bool(listed) and listed == email.strip().lower()


def acting_as(manifest: Manifest, member: Member) -> Member:
    """`member` in the role they may act in: a list has one chair, so while list.toml names
    several (which `check` reports), none of them acts as the chair: verify judges what they
    did as a member's, and curator lets none of them write (`require_writer`)."""
    if member.role == "chair" and manifest.chair is None:
        return replace(member, role="member")
    return member


def settles(manifest: Manifest, member: Member, after: Sequence[Member]) -> bool:
    """Whether `member`, one of the several chairs list.toml names, leaves the roster `after`
    with one chair: how the list is settled (by hand: curator lets none of them act), which
    verify does not hold against the one who did it."""
    several = manifest.chair is None and any(c.id == member.id for c in manifest.chairs)
    return several and sum(1 for m in after if m.role == "chair") == 1


def require_writer(manifest: Manifest, member_id: str | None, email: str | None) -> Member:
    """The acting member, if they may write; else a refusal: NotFound (field "member") when no
    member is recognised — how to be recognised is the interface's to say — NotAllowed when
    the member may not write."""
    member = resolve_member(manifest, member_id, email)
    if member is None:
        who = f"<{email}> is" if email else "you are"
        raise NotFound(f"{who} not a member of this list", field="member", value=email or "")
    if member.role == "observer":
        raise NotAllowed(
            f"{member.id} is an observer: observers read but do not write", field="member"
        )
    if manifest.chair is None and any(c.id == member.id for c in manifest.chairs):
        named = ", ".join(c.id for c in manifest.chairs)
        raise NotAllowed(
            f"list.toml names {len(manifest.chairs)} chairs ({named}): a list has one, and none "
            "of them acts until list.toml names one (the list's problems show where)",
            field="member",
        )
    return member


def require_chair(manifest: Manifest, member_id: str | None, email: str | None) -> Member:
    member = require_writer(manifest, member_id, email)
    if member.role != "chair":
        raise NotAllowed(
            f"only the chair may do this; {member.id} is a {member.role}", field="member"
        )
    return member
