"""A control named by a user (on a command line, in a comment's folder), found or refused with
the ids they may have meant."""

from __future__ import annotations

from collections.abc import Mapping

from curator.core.model import Control
from curator.core.problems import NotFound, close_to


def control_named(controls: Mapping[str, Control], control_id: str) -> Control:
    """The control with this id, or NotFound that suggests the closest ids."""
    control = controls.get(control_id)
    if control is not None:
        return control
    close = [*close_to(control_id, controls, cutoff=0.5)]
    close += [c for c in controls if c.lower() == control_id.lower() and c not in close]
    meant = tuple(sorted(set(close)))
    hint = f" (did you mean {', '.join(meant)}?)" if meant else ""
    known = "" if meant or not controls else f" (controls: {', '.join(sorted(controls)[:10])})"
    raise NotFound(
        f"unknown control '{control_id}'{hint}{known}",
        field="control",
        value=control_id,
        suggestions=meant,
    )
