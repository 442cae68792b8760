"""Markdown for the panes, built from model values, and list data as the terminal gets it
(presentation only, no rules)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.segment import Segment
from rich.text import Text
from textual.color import Color
from textual.filter import LineFilter

from curator.core import destinations as places
from curator.core.criteria import ExprError, describe, parse
from curator.core.ids import category_of, product_group_of
from curator.core.inert import UNSAFE_IN_LINE
from curator.core.model import Comment, Control, Parameter
from curator.core.problems import Problem


def licensing_markdown(licensing: places.Licensing) -> str:
    """A control's licence requirements and exceptions, in the layout of a CCL entry."""
    lines = ["## License Requirements", "", "| Control(s) | Destinations and review |", "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in places.requirement_rows(licensing)]
    exceptions = places.exception_rows(licensing)
    if exceptions:
        lines += ["", "## List Based License Exceptions", "", "| Exception | |", "|---|---|"]
        lines += [f"| {a} | {b} |" for a, b in exceptions]
    return "\n".join([*lines, ""])


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
        lines += [f"### {control.id}.{p.label}", ""]
        if p.text:
            lines += [p.text, ""]
        if p.match:
            lines += ["```text", p.match, "```", ""]  # a language: no lexer guessing
            try:
                lines += [f"*{describe(parse(p.match, parameters), parameters)}*", ""]
            except ExprError as err:
                lines += [f"**criteria error:** {err}", ""]
    for title, body in (
        ("Rationale (too loose?)", control.rationale),
        ("Impact (too tight?)", control.impact),
    ):
        if body:
            lines += [f"## {title}", "", body, ""]
    if control.sources:
        lines += ["## Sources", "", *(f"- {s}" for s in control.sources), ""]
    return "\n".join(lines)


def broken_markdown(path: str, problems: Sequence[Problem]) -> str:
    lines = [f"# Broken file: {path}", "", "This file could not be read; it is left untouched.", ""]
    lines += [f"- `{p.render()}`" for p in problems]
    lines += ["", "Fix it in your editor (`E`), then it reloads by itself."]
    return "\n".join(lines)


def thread_markdown(comments: Sequence[Comment], amendment_notes: Mapping[str, str]) -> str:
    if not comments:
        return "*No comments yet. Write the first one below.*"
    out = []
    for c in comments:
        head = f"**{c.author}** · {c.at}"
        if c.position:
            head += f" · position: **{c.position}**"
        if c.transition:
            head += f" · status {c.transition.before} → {c.transition.after}"
        out += [head, "", c.body or "", ""]
        if c.amendment:
            out += [f"> amendment to **{c.amendment.item}**: `{c.amendment.match}`"]
            note = amendment_notes.get(c.file)
            if note:
                out += [f"> {note}"]
            out += [""]
        out += ["---", ""]
    return "\n".join(out)


def plain(*cells: str) -> tuple[Text, ...]:
    """Table cells from list data as plain text: a DataTable reads a str as markup, so a name
    holding "[bold red]" would be styled (and one holding "[/]" would fail)."""
    return tuple(Text(cell) for cell in cells)


class InertLines(LineFilter):
    """The last step of every line drawn, whichever widget drew it (a table, a Markdown body,
    an input holding a title, a toast): the characters a terminal would act on instead of
    showing them (curator.core.inert) are dropped. They take no cell, so nothing moves."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if all(s.text.isprintable() for s in segments):  # nearly every line, at C speed
            return segments
        kept = []
        for segment in segments:
            text, style, control = segment
            if not control and not text.isprintable():
                text = UNSAFE_IN_LINE.sub("", text)
                if not text:
                    continue
                segment = Segment(text, style, control)
            kept.append(segment)
        return kept
