"""weigh: a control (or a proposed expression) against the catalogue, with an optional sweep."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from curator.cli.common import add_format, add_list, expression_error, list_root, print_json
from curator.core import destinations as places
from curator.core import weigh as weighing
from curator.core.criteria import ExprError
from curator.core.lookup import control_named
from curator.core.problems import CuratorError, InvalidValue
from curator.store.formats.layout import DEFINITIONS
from curator.store.index.load import load
from curator.store.records import destinations

if TYPE_CHECKING:  # the sweep needs numpy: imported only when one is asked for
    from curator.core.sweep import Sweep

NAME_WIDTH = 28


def register(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser(
        "weigh",
        help="weigh a control against the catalogue",
        description="Show what a control captures and on what basis: what leaks out, what it "
        "overreaches, which captures have a license exception, which items of concern it captures "
        "abroad and which captures foreign availability undermines; disputed items apart. Try a "
        "proposed expression with --match; sweep one threshold with --sweep.",
    )
    p.add_argument("control_id", metavar="CONTROL-ID")
    add_list(p)
    p.add_argument(
        "--match",
        metavar="EXPR",
        help="weigh this expression instead (what-if); with --item it replaces one paragraph",
    )
    p.add_argument(
        "--item",
        metavar="LABEL",
        help="the paragraph --match replaces, or the paragraph --sweep varies (the others stay "
        "in force)",
    )
    p.add_argument("--sweep", metavar="PARAM", help="sweep the threshold on this parameter")
    p.add_argument(
        "--to",
        metavar="DEST",
        help="weigh for a destination: a country (CN), a country group (D:5) or an entity id",
    )
    p.add_argument(
        "--on",
        metavar="DATE",
        type=_day,
        help="with --to an entity: the day whose licence decisions apply (YYYY-MM-DD)",
    )
    p.add_argument(
        "--destinations",
        action="store_true",
        help="print the matrix of captured items × country groups",
    )
    add_format(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.item is not None and args.match is None and not args.sweep:
        raise InvalidValue(
            "--item names the paragraph that --match replaces or --sweep varies: give one"
        )
    loaded = load(list_root(args), folders=DEFINITIONS)  # weighing reads no discussion
    if loaded.manifest is None:
        raise CuratorError("list.toml is missing or broken: run `curator check`")
    control = control_named(loaded.controls, args.control_id)
    parameters, catalogue = loaded.parameters, loaded.catalogue
    try:
        expressions = weighing.expressions_for(control, parameters, args.item, args.match)
    except ExprError as err:
        raise InvalidValue(expression_error("--match", args.match or "", err)) from None
    setting = weighing.setting_of(control, loaded.manifest)

    result = weighing.weigh(expressions, catalogue, setting, control.id)
    before = change = None
    if args.match is not None:
        current = weighing.expressions_for(control, parameters)
        before = weighing.weigh(current, catalogue, setting, control.id)
        change = weighing.what_if(before, result)
    swept = None
    if args.sweep:
        from curator.core.sweep import sweep

        swept = sweep(expressions, catalogue, setting, args.sweep, args.item or "")

    if args.to is not None or args.destinations:
        return _for_destinations(args, result, loaded)

    if args.format == "json":
        document = result.as_json()
        if before is not None and change is not None:
            document["before"] = before.as_json()
            document["change"] = change.as_json()
        if swept is not None:
            document.update(swept.as_json())
        print_json(document)
    else:
        print("\n".join(_text(control.title, result, before, change, swept, args.item)))
    return 0


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def _for_destinations(args: argparse.Namespace, result: weighing.Weighing, loaded) -> int:
    """`--to` and `--destinations`: what the captured items need to reach a destination."""
    root = list_root(args)
    found = destinations.load(root, loaded.controls, loaded.parameters)
    if not found.book.groups:
        raise CuratorError(
            "this list has no destinations/country-groups.toml: nothing to weigh for"
        )
    captures = places.captured(result)
    if args.destinations:
        table = places.matrix(result.control, captures, loaded.catalogue, found.book)
        if args.format == "json":
            print_json(table.as_json())
        else:
            print("\n".join(_matrix_text(table, found.book)))
        return 0
    where = places.destination_named(args.to, found.book)
    weighed = places.weigh_for(
        result.control, captures, loaded.catalogue, where, found.book, loaded.partners, args.on
    )
    if args.format == "json":
        print_json(weighed.as_json())
    else:
        print("\n".join(_destination_text(weighed, found.book)))
    return 0


def _destination_text(weighed: places.DestinationWeighing, book) -> list[str]:
    where = weighed.destination
    head = f"{weighed.control} to {where.title}"
    if where.kind == "group":
        head += f": {book.groups[where.id].title}, {len(where.countries)} countries"
    if weighed.day is not None:
        head += f", on {weighed.day}"
    lines = [head, ""]
    if not weighed.items:
        lines.append("the control captures no catalogue item: nothing needs a licence")
    header = ("item", "paragraph", "concern", "licence")
    rows = [
        (i.item, i.paragraph, "yes" if i.of_concern else "no", i.summary()) for i in weighed.items
    ]
    widths = [max(len(r[k]) for r in (header, *rows)) for k in range(3)]
    for row in (header, *rows):
        lines.append("  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[3]]))
    lines += ["", f"verdict: {weighed.verdict} — {weighed.verdict_text()}"]
    return lines


def _matrix_text(table: places.Matrix, book) -> list[str]:
    policies = ", ".join(f"{k} = {v}" for k, v in places.REVIEW_POLICIES.items())
    header = ("item", "paragraph", *table.groups)
    rows = [(item, paragraph, *cells) for item, paragraph, cells in table.rows]
    widths = [max(len(r[k]) for r in (header, *rows)) for k in range(len(header))]
    lines = [f"{table.control}: licence needed per country group (as of {_as_of(book)})", ""]
    for row in (header, *rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    lines += ["", f"— no licence · mixed: members differ · {policies} (exception in brackets)"]
    return lines


def _as_of(book) -> str:
    return min((g.as_of for g in book.groups.values()), default="")


def _text(title, result, before, change, swept: Sweep | None, item: str | None) -> list[str]:
    lines = [f"{result.control} — {title}"]
    if before is not None:
        lines.append(f"current:  {before.expression}   (verdict {before.verdict})")
        scope = f" (paragraph {item})" if item else ""
        lines.append(f"proposed{scope}: {result.expression}")
    else:
        lines.append(f"expression: {result.expression}")
    lines.append(f"applied by: {result.adopters.words()}")
    if result.definitions:
        terms = "; ".join(f"{p} — {n}" for p, n in result.definitions)
        lines.append(f"terms defined by: {terms}")
    lines.append("")
    if result.empty:
        lines.append(result.summary())
        return lines
    settled = [o for o in result.weighed if not o.disputed]
    lines += _table(settled, change)
    lines += _bases(settled)
    lines += _disputed(result.disputed, change)
    lines += ["", result.summary()]
    if change is not None:
        lines.append(
            f"newly captured: {', '.join(change.newly_captured) or 'none'} · "
            f"released: {', '.join(change.released) or 'none'}"
        )
        verdict = f"{change.verdict_before} → {change.verdict_after}"
    else:
        verdict = result.verdict
    lines.append(f"verdict: {verdict} — {result.verdict_text()}")
    if swept is not None:
        from curator.core.sweep import chart

        how = "other constants scaled with it" if swept.scaled else "every constant replaced"
        where = (
            f"paragraph {swept.paragraph}, the others in force"
            if swept.paragraph
            else "every paragraph"
        )
        lines += [
            "",
            f"sweep of {swept.param} in {where} ({len(swept.points)} candidate thresholds, "
            f"ascending; {how})",
        ]
        lines += chart(swept)
        lines.append(swept.summary())
    return lines


def _table(outcomes: list[weighing.Outcome], change: weighing.WhatIf | None) -> list[str]:
    header = ("item", "name", "paragraph", "outcome", "reason")
    rows = [
        (
            o.item,
            _clip(o.name, NAME_WIDTH),
            o.paragraph or "—",
            weighing.outcome_words(o, change),
            o.reason,
        )
        for o in sorted(outcomes, key=lambda o: (o.rank, o.paragraph or "", o.item))
    ]
    return _columns(header, rows)


def _columns(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header) - 1)]

    def line(row: tuple[str, ...]) -> str:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        return "  ".join([*cells, row[-1]]).rstrip()

    return [line(header), *(line(r) for r in rows)]


def _bases(outcomes: list[weighing.Outcome]) -> list[str]:
    """The committee's basis for every leak and overreach: the verdict rests on them."""
    failures = [o for o in outcomes if o.outcome in (weighing.LEAK, weighing.OVERREACH)]
    if not failures:
        return []
    lines = ["", "basis of each leak and overreach:"]
    for o in sorted(failures, key=lambda o: (o.rank, o.item)):
        lines.append(f"  {o.item} ({o.outcome}): {_concern_words(o.concern)}")
    return lines


def _disputed(outcomes: tuple[weighing.Outcome, ...], change: weighing.WhatIf | None) -> list[str]:
    """Disputed items apart: their outcome on the record, and should the dissent hold."""
    if not outcomes:
        return []
    lines = ["", "disputed — a member dissents from the committee's record:"]
    rows = [
        (
            o.item,
            _clip(o.name, NAME_WIDTH),
            o.paragraph or "—",
            f"{weighing.outcome_words(o, change)}; "
            f"{weighing.OUTCOME_WORDS[o.if_dissents_hold]} if the dissent holds",
            o.reason,
        )
        for o in sorted(outcomes, key=lambda o: (o.rank, o.item))
    ]
    lines += _columns(("item", "name", "paragraph", "outcome", "reason"), rows)
    for o in outcomes:
        lines.append(f"  {o.item}: record: {_concern_words(o.concern)}")
        for d in o.concern.dissents:
            lines.append(f"  {o.item}: dissent ({d.member}): {d.basis}")
    return lines


def _concern_words(judgement: weighing.Judgement) -> str:
    if judgement.of_concern is None:
        return "concern not assessed"
    view = "of concern" if judgement.of_concern else "not of concern"
    who = f" [{judgement.assessed}]" if judgement.assessed else ""
    return f"{view} — {judgement.basis}{who}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
