"""The History tab: a control's versions as rows, and what changed from one to the current text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from curator.core import diff
from curator.core.model import CatalogueItem, Control
from curator.store.git.repo import ControlVersion

COLUMNS = ("commit", "date", "author", "change", "effect")
NOT_IN_GIT = "This list is not in a git repository, so it has no history yet."
NO_VERSIONS = "No committed versions yet."


def column_widths(versions: Sequence[ControlVersion]) -> tuple[int, ...]:
    """Each column as wide as its longest entry (the author's varies)."""
    return (8, 10, max([6, *(len(v.version.author) for v in versions)]), 8, 10)


def version_row(v: ControlVersion) -> tuple[str, ...]:
    change = v.change
    return (
        v.version.short,
        v.version.date[:10],
        v.version.author,
        change.change if change else v.problem,
        (change.effect or "") if change else "",
    )


def found_line(versions: Sequence[ControlVersion]) -> str:
    if not versions:
        return NO_VERSIONS
    return f"{len(versions)} versions; select one to compare it with the current text."


def since(
    version: ControlVersion,
    then: Control | None,
    current: Control | None,
    catalogue: Mapping[str, CatalogueItem],
) -> str:
    """What changed from `version` (the control `then`) to the current text: fields, effect,
    items, witness."""
    if current is None or then is None:
        return version.problem or "This version cannot be compared."
    change = diff.compare_controls(then, current, catalogue)
    if not change.fields and change.change == "modified":
        return f"{version.version.short}: same as the current text."
    v = version.version
    lines = [
        f"From {v.short} ({v.date[:10]}, {v.author}) to now:",
        f"fields changed: {', '.join(change.fields) or 'none'}",
        f"effect: {change.effect or 'no change in scope'}",
    ]
    if change.newly_captured:
        lines.append(f"newly captured: {', '.join(change.newly_captured)}")
    if change.released:
        lines.append(f"released: {', '.join(change.released)}")
    if change.witness:
        lines.append(change.witness)
    return "\n".join(lines)
