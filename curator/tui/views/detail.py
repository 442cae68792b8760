"""The Detail tab: a control, a broken file, or a control's licensing, as Markdown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from curator.core import destinations as places
from curator.core.criteria import ExprError, describe, parse
from curator.core.ids import category_of, product_group_of
from curator.core.model import Control, ControlList, Note, Paragraph, Parameter
from curator.core.problems import Problem

NOTHING_SELECTED = "*No control matches the filter.*"


def licensing_markdown(licensing: places.Licensing) -> str:
    """A control's licence requirements and exceptions, in the layout of a CCL entry."""
    lines = ["## License Requirements", "", "| Control(s) | Destinations and review |", "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in places.requirement_rows(licensing)]
    exceptions = places.exception_rows(licensing)
    if exceptions:
        lines += ["", "## List Based License Exceptions", "", "| Exception | |", "|---|---|"]
        lines += [f"| {a} | {b} |" for a, b in exceptions]
    return "\n".join([*lines, ""])


def _criteria(match: str, parameters: Mapping[str, Parameter]) -> list[str]:
    """A criteria expression and its reading in words (or why it cannot be read)."""
    lines = ["```text", match, "```", ""]  # a language: no lexer guessing
    try:
        lines += [f"*{describe(parse(match, parameters), parameters)}*", ""]
    except ExprError as err:
        lines += [f"**criteria error:** {err}", ""]
    return lines


def _paragraph(control_id: str, p: Paragraph, parameters: Mapping[str, Parameter]) -> list[str]:
    lines = [f"### {control_id}.{p.label}", ""]
    if p.text:
        lines += [p.text, ""]
    if p.match:
        lines += _criteria(p.match, parameters)
    for e in p.exceptions:
        lines += [f"**License Exception {e.name}** when:", ""]
        lines += _criteria(e.when, parameters)
        if e.condition:
            lines += [e.condition, ""]
    return lines


def _note(note: Note) -> list[str]:
    lines = [f"### {note.label}", "", note.text, ""]
    if note.defines:
        lines += [f"*Defines {', '.join(note.defines)}.*", ""]
    return lines


def control_markdown(control: Control, parameters: Mapping[str, Parameter], area: str) -> str:
    lines = [
        f"# {control.id} — {control.title}",
        "",
        f"**Status** {control.status} · **Visibility** {control.visibility} · **Area** {area}",
        "",
        f"**Category** {category_of(control.id)} · **Group** {product_group_of(control.id)}",
        "",
    ]
    if control.reasons or control.regime:
        lines += [
            f"**Reasons for control** {', '.join(control.reasons) or '—'} · "
            f"**Regime** {control.regime or '—'}",
            "",
        ]
    if control.related:
        lines += [f"**Related** {', '.join(control.related)}", ""]
    if control.summary:
        lines += [control.summary, ""]
    if control.items:
        lines += ["## Paragraphs", ""]
    for p in control.items:
        lines += _paragraph(control.id, p, parameters)
    if control.notes:
        lines += ["## Notes", ""]
    for note in control.notes:
        lines += _note(note)
    for title, body in (
        ("Rationale (too loose?)", control.rationale),
        ("Impact (too tight?)", control.impact),
    ):
        if body:
            lines += [f"## {title}", "", body, ""]
    if control.sources:
        lines += ["## Sources", "", *(f"- {s}" for s in control.sources), ""]
    return "\n".join(lines)


def control_page(control: Control, loaded: ControlList, licensing: places.Licensing | None) -> str:
    """The Detail tab of a control: its text, then its licensing when the list has it."""
    area = loaded.manifest.areas.get(control.area) if loaded.manifest else None
    shown = control_markdown(control, loaded.parameters, area.title if area else control.area)
    if licensing is not None:
        shown += "\n" + licensing_markdown(licensing)
    return shown


def broken_markdown(path: str, problems: Sequence[Problem]) -> str:
    lines = [f"# Broken file: {path}", "", "This file could not be read; it is left untouched.", ""]
    lines += [f"- `{p.render()}`" for p in problems]
    lines += ["", "Fix it in your editor (`E`), then it reloads by itself."]
    return "\n".join(lines)
