"""The acting member: --as, else $CURATOR_MEMBER, else `git config user.email` matched to a member."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from curator.core import roles
from curator.core.model import Manifest, Member


def git_email(root: Path) -> str | None:
    return git_setting(root, "user.email")


def git_setting(root: Path, key: str) -> str | None:
    """`git config KEY` as seen from `root` (the repository's, else the user's); None if unset."""
    try:
        done = subprocess.run(
            ["git", "config", key], cwd=root, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None


def _named(explicit: str | None) -> str | None:
    return explicit or os.environ.get("CURATOR_MEMBER") or None


def _sources(root: Path, explicit: str | None) -> tuple[str | None, str | None]:
    member_id = _named(explicit)
    return member_id, None if member_id else git_email(root)


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
