"""The Weigh tab: the verdict, a what-if's change, the capture table's rows, a destination's
weighing, and a criteria expression's parse error at its column (the edit form shows it too)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from textual.content import Content

from curator.core import destinations as places
from curator.core import weigh as weighing
from curator.core.criteria import ExprError

# below this width the capture table folds the name and paragraph columns into the others
FULL_TABLE_WIDTH = 120
CELL_PADDING = 2  # DataTable's one column of padding on each side of a cell
LONGEST_OUTCOME = 34  # a longer outcome wraps rather than squeeze the reason
NARROWEST_REASON = 20


def parse_error(err: ExprError, expression: str) -> Content:
    """The column and the message, then the expression with a caret under the fault."""
    caret = " " * (err.column - 1) + "^"
    return Content.assemble(
        (f"column {err.column}: {err.message}", "red"), f"\n{expression}\n{caret}"
    )


def verdict_text(result: weighing.Weighing) -> Content:
    return Content.assemble(
        (result.verdict, "bold"), f" — {result.verdict_text()}\n{result.summary()}"
    )


def change_text(change: weighing.WhatIf) -> Content:
    return Content.assemble(
        f"newly captured: {', '.join(change.newly_captured) or 'none'}\n"
        f"released: {', '.join(change.released) or 'none'}\n"
        f"verdict: {change.verdict_before} → ",
        (change.verdict_after, "bold"),
    )


@dataclass(frozen=True)
class CaptureTable:
    titles: tuple[str, ...]
    widths: tuple[int, ...]
    rows: tuple[tuple[str, ...], ...]
    keys: tuple[str, ...]  # the items, row by row


def capture_table(
    result: weighing.Weighing, change: weighing.WhatIf | None, width: int
) -> CaptureTable:
    """The capture table laid out for `width` columns: every column whole, the reason taking
    what is left; below FULL_TABLE_WIDTH the item's name is left out and the paragraph is
    shown with the outcome."""
    folded = width < FULL_TABLE_WIDTH
    ordered = sorted(result.weighed, key=lambda o: (o.rank, o.item))
    rows: list[tuple[str, ...]] = []
    for o in ordered:
        outcome = weighing.outcome_words(o, change)
        if folded:
            rows.append((o.item, f"{outcome} · {o.paragraph}" if o.paragraph else outcome))
        else:
            rows.append((o.item, o.name, o.paragraph or "—", outcome))
    titles = ("item", "outcome") if folded else ("item", "name", "paragraph", "outcome")
    widths = [max(len(t), *(len(r[i]) for r in rows)) for i, t in enumerate(titles)]
    widths[-1] = min(widths[-1], LONGEST_OUTCOME)
    room = max(width, 60) - 2  # the scrollbar
    reason = max(room - sum(widths) - CELL_PADDING * (len(widths) + 1), NARROWEST_REASON)
    return CaptureTable(
        (*titles, "reason"),
        (*widths, reason),
        tuple((*row, o.reason) for row, o in zip(rows, ordered, strict=True)),
        tuple(o.item for o in ordered),
    )


def destination_options(book: places.Destinations) -> list[tuple[str, str]]:
    """The destinations to choose from: the groups, the chart's countries, the entities."""
    groups = [(f"{g.id} {g.title}", g.id) for g in sorted(book.groups.values(), key=lambda g: g.id)]
    countries = [(code, code) for code in sorted(book.chart)]
    entities = [(f"{e.name} (entity)", e.id) for e in book.entities.values()]
    return [*groups, *countries, *entities]


def destination_text(
    where: places.Destination,
    weighed: Callable[[dt.date | None], places.DestinationWeighing],
) -> str:
    """The captured items for a destination; for an entity, each licence decision's effect.
    `weighed(day)` weighs the control for `where` as of `day` (None: today)."""
    now = weighed(None)
    lines = [f"{now.verdict} to {where.title} — {now.verdict_text()}"]
    lines += [f"{i.item} ({i.paragraph}): {i.summary()}" for i in now.items]
    if where.entity is not None:
        entity = where.entity
        lines += [
            "",
            f"{entity.name}, listed {entity.listed} ({entity.citation}): a licence for "
            f"{'all items subject to the EAR' if entity.all_items else 'items on the CCL'}, "
            f"{places.REVIEW_POLICIES[entity.review_policy]}",
            *(f"footnote: {f}" for f in entity.footnotes),
            "licence decisions and their effect on this control:",
        ]
        for decision in entity.decisions:
            until = f" until {decision.end}" if decision.end else ""
            effect = weighed(decision.start).verdict
            lines.append(
                f"  {decision.start}{until}: {decision.licence} {decision.outcome} "
                f"({decision.citation}) — {effect}"
            )
    return "\n".join(lines)
