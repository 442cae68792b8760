"""Who may do what (docs/design.md §5). One place for the rule; CLI and TUI both ask here."""

from __future__ import annotations

from curator.core.model import Manifest, Member
from curator.core.problems import CuratorError, Refused
from curator.core.roster import unknown_member

HOW_TO_BE_RECOGNISED = (
    "pass --as MEMBER, set CURATOR_MEMBER, or set `git config user.email` "
    "to the email listed for you in list.toml"
)


def resolve_member(manifest: Manifest, member_id: str | None, email: str | None) -> Member | None:
    """The acting member: an explicit id first (one that names nobody is refused, naming the
    members), else the member whose email matches."""
    if member_id:
        member = manifest.member(member_id)
        if member is None:
            raise Refused((unknown_member(manifest.members, member_id),))
        return member
    if email:
        wanted = email.strip().lower()
        return next((m for m in manifest.members if m.email.lower() == wanted), None)
    return None


def require_writer(manifest: Manifest, member_id: str | None, email: str | None) -> Member:
    """The acting member, if they may write; else a refusal that says how to be recognised."""
    member = resolve_member(manifest, member_id, email)
    if member is None:
        who = f"<{email}> is" if email else "you are"
        raise CuratorError(f"{who} not a member of this list: {HOW_TO_BE_RECOGNISED}")
    if member.role == "observer":
        raise CuratorError(f"{member.id} is an observer: observers read but do not write")
    return member


def require_chair(manifest: Manifest, member_id: str | None, email: str | None) -> Member:
    member = require_writer(manifest, member_id, email)
    if member.role != "chair":
        raise CuratorError(f"only the chair may do this; {member.id} is a {member.role}")
    return member
