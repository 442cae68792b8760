"""Who may do what (DESIGN.md §5). One place for the rule; CLI and TUI both ask here."""

from __future__ import annotations

from curator.core.model import Manifest, Member
from curator.core.problems import CuratorError

HOW_TO_BE_RECOGNISED = (
    "pass --as MEMBER, set CURATOR_MEMBER, or set `git config user.email` "
    "to the email listed for you in list.toml"
)


def resolve_member(manifest: Manifest, member_id: str | None, email: str | None) -> Member | None:
    """The acting member: an explicit id first, else the member whose email matches."""
    if member_id:
        return manifest.member(member_id)
    if email:
        wanted = email.strip().lower()
        return next((m for m in manifest.members if m.email.lower() == wanted), None)
    return None


def require_writer(manifest: Manifest, member_id: str | None, email: str | None) -> Member:
    """The acting member, if they may write; else a refusal that says how to be recognised."""
    member = resolve_member(manifest, member_id, email)
    if member is None:
        who = f"'{member_id}'" if member_id else (f"<{email}>" if email else "you")
        raise CuratorError(f"{who} is not a member of this list: {HOW_TO_BE_RECOGNISED}")
    if member.role == "observer":
        raise CuratorError(f"{member.id} is an observer: observers read but do not write")
    return member


def require_chair(manifest: Manifest, member_id: str | None, email: str | None) -> Member:
    member = require_writer(manifest, member_id, email)
    if member.role != "chair":
        raise CuratorError(f"only the chair may do this; {member.id} is a {member.role}")
    return member
