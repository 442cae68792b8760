"""The CHANGELOG.md section `curator release` writes: what a release changed, grouped the way a
reader of export controls asks — what was tightened, loosened, added, removed, only reworded."""

from __future__ import annotations

from curator.core import scope
from curator.core.diff import ADDED, EDITORIAL, REMOVED, RENAMED, ControlChange, ListDiff

TITLE = "# Changelog"

HEADINGS = (
    "Tightened",
    "Loosened",
    "Tightened and loosened",
    "Added",
    "Removed",
    "Editorial",
    "Other changes",
)
BY_EFFECT = {
    scope.TIGHTENED: "Tightened",
    scope.LOOSENED: "Loosened",
    scope.MIXED: "Tightened and loosened",
    scope.EQUIVALENT: "Editorial",  # reworded criteria that capture exactly the same items
    EDITORIAL: "Editorial",
}


def heading_of(change: ControlChange) -> str:
    if change.change == ADDED:
        return "Added"
    if change.change == REMOVED:
        return "Removed"
    if change.change == RENAMED:
        return "Editorial"
    return BY_EFFECT.get(change.effect or "", "Other changes")


def section(diff: ListDiff, version: str, date: str, previous: str | None) -> str:
    """The Markdown section for release `version` on `date` (YYYY-MM-DD), `previous` being the
    release it is compared with (None for a first release)."""
    lines = [f"## {version} — {date}", ""]
    lines.append(f"Compared with {previous}." if previous else "First release.")
    for heading in HEADINGS:
        chosen = [c for c in diff.controls if heading_of(c) == heading]
        if chosen:
            lines += ["", f"### {heading}", ""]
            lines += [f"- {entry(c)}" for c in chosen]
    if not diff.controls:
        lines += ["", "No control changed."]
    return "\n".join(lines) + "\n"


def entry(change: ControlChange) -> str:
    """One bullet: the control, what changed, and which catalogue items it now catches or frees."""
    name = f"**{change.id}** {change.title}"
    if change.change == RENAMED:
        return f"{name} (renamed from {change.previous_id})"
    details = []
    if change.fields:
        details.append("changed " + ", ".join(f"`{f}`" for f in change.fields))
    if change.newly_captured:
        details.append("newly captures " + ", ".join(change.newly_captured))
    if change.released:
        details.append("releases " + ", ".join(change.released))
    return f"{name}: {'; '.join(details)}" if details else name


def prepend(existing: str, new_section: str) -> str:
    """CHANGELOG.md with `new_section` first, under the file's title."""
    body = existing.strip("\n")
    if body.startswith(TITLE):
        body = body[len(TITLE) :].strip("\n")
    parts = [TITLE, new_section.strip("\n")]
    if body:
        parts.append(body)
    return "\n\n".join(parts) + "\n"
