"""The acting member: --as, else $CURATOR_MEMBER, else the member whose email is the one git
commits under here (`git config user.email`, or GIT_AUTHOR_EMAIL when set).

Reading needs no proof of who you are; a commit or a tag does: curator writes one only under
the git identity of the person running it, and only when that identity is the acting member's.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from curator.core import roles
from curator.core.model import Manifest, Member
from curator.core.problems import CuratorError


def git_setting(root: Path, key: str) -> str | None:
    """`git config KEY` as seen from `root` (the repository's, else the user's); None if unset."""
    try:
        done = subprocess.run(
            ["git", "config", key], cwd=root, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None


# `git var GIT_AUTHOR_IDENT`: "Name <email> 1700000000 +0000" (git strips <> from the name)
_IDENT = re.compile(r"<([^<>]*)> -?[0-9]+ [+-][0-9]{4}$")


def _named(explicit: str | None) -> str | None:
    return explicit or os.environ.get("CURATOR_MEMBER") or None


def _sources(root: Path, explicit: str | None) -> tuple[str | None, str | None]:
    member_id = _named(explicit)
    return member_id, None if member_id else git_identity(root, "AUTHOR")


def acting(manifest: Manifest, root: Path, explicit: str | None = None) -> Member | None:
    """Who is acting, or None when nobody is recognised (reading needs no identity)."""
    return roles.resolve_member(manifest, *_sources(root, explicit))


def writer(manifest: Manifest, root: Path, explicit: str | None = None) -> Member:
    return roles.require_writer(manifest, *_sources(root, explicit))


def chair(manifest: Manifest, root: Path, explicit: str | None = None) -> Member:
    return roles.require_chair(manifest, *_sources(root, explicit))


def check_named(manifest: Manifest, explicit: str | None = None) -> None:
    """Refuse now, naming the members, an id (--as, else $CURATOR_MEMBER) that names nobody."""
    member_id = _named(explicit)
    if member_id:
        roles.resolve_member(manifest, member_id, None)


def git_identity(root: Path, role: str) -> str | None:
    """The email git will record as the commit's `role` (AUTHOR or COMMITTER; a tag's tagger
    is the committer) here: GIT_AUTHOR_EMAIL and the like, else user.email, else what git
    works out; None when git cannot tell."""
    try:
        done = subprocess.run(
            ["git", "var", f"GIT_{role}_IDENT"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = _IDENT.search(done.stdout.strip()) if done.returncode == 0 else None
    return found.group(1).strip() if found else None


def require_own_identity(member: Member, root: Path) -> None:
    """Refuse, saying why, unless the commits and tags git would write here name `member`:
    `--as` (or $CURATOR_MEMBER) chooses whose rights apply, never whose name a commit bears."""
    if not member.email:
        raise CuratorError(
            f"list.toml lists no email for {member.id}: curator commits only under your own git "
            "identity, and only when it is the email listed for you; ask the chair to add it"
        )
    for role in ("AUTHOR", "COMMITTER"):
        email = git_identity(root, role)
        if email is None:
            raise CuratorError(
                f"git does not know who you are here, so it cannot commit as {member.id}: set "
                f"`git config user.email {member.email}` (curator commits under your own git "
                "identity)"
            )
        if not roles.is_email_of(member, email):
            raise CuratorError(
                f"you act as {member.id} <{member.email}>, but git here writes commits and tags "
                f"as <{email}>: curator writes them only under your own git identity, never in "
                "another member's name. Act as yourself (drop --as or $CURATOR_MEMBER), or, if "
                f"you are {member.id}, set `git config user.email {member.email}`"
            )
