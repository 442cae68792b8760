"""weigh: a control (or a proposed expression) against the catalogue, with an optional sweep."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from curator.cli.common import add_format, add_list, expression_error, list_root, print_json
from curator.core import weigh as weighing
from curator.core.criteria import ExprError
from curator.core.problems import CuratorError
from curator.store.load import load
from curator.store.source import DEFINITIONS

if TYPE_CHECKING:  # the sweep needs numpy: imported only when one is asked for
    from curator.core.sweep import Sweep

NAME_WIDTH = 28


def register(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser(
        "weigh",
        help="weigh a control against the catalogue",
        description="Show what a control captures, what leaks out, what it overreaches and which "
        "captured items are sold abroad anyway; try a proposed expression with --match; sweep one "
        "threshold with --sweep.",
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
        help="the paragraph --match replaces; alone, weigh that paragraph by itself",
    )
    p.add_argument("--sweep", metavar="PARAM", help="sweep the threshold on this parameter")
    add_format(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    loaded = load(list_root(args), folders=DEFINITIONS)  # weighing reads no discussion
    if loaded.manifest is None:
        raise CuratorError("list.toml is missing or broken: run `curator check`")
    control = weighing.control_named(loaded.controls, args.control_id)
    parameters, catalogue, partners = loaded.parameters, loaded.catalogue, loaded.partners
    try:
        expressions = weighing.expressions_for(control, parameters, args.item, args.match)
    except ExprError as err:
        raise CuratorError(expression_error("--match", args.match or "", err), 2) from None
    except weighing.NothingToWeigh as err:
        raise CuratorError(f"{err.message}: give one with --match") from None

    result = weighing.weigh(expressions, catalogue, partners, control.id)
    before = change = None
    if args.match is not None:
        current = weighing.expressions_for(control, parameters)
        before = weighing.weigh(current, catalogue, partners, control.id)
        change = weighing.what_if(before, result)
    swept = None
    if args.sweep:
        from curator.core.sweep import sweep

        swept = sweep(expressions, catalogue, partners, args.sweep)

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


def _text(title, result, before, change, swept: Sweep | None, item: str | None) -> list[str]:
    lines = [f"{result.control} — {title}"]
    if before is not None:
        lines.append(f"current:  {before.expression}   (verdict {before.verdict})")
        scope = f" (paragraph {item})" if item else ""
        lines.append(f"proposed{scope}: {result.expression}")
    else:
        lines.append(f"expression: {result.expression}")
    lines.append("")
    if result.empty:
        lines.append(result.summary())
        return lines
    lines += _table(result, change)
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
        lines += [
            "",
            f"sweep of {swept.param} ({len(swept.points)} candidate thresholds, ascending; {how})",
        ]
        lines += chart(swept)
        lines.append(swept.summary())
    return lines


def _table(result: weighing.Weighing, change: weighing.Change | None) -> list[str]:
    header = ("item", "name", "paragraph", "outcome", "reason")
    rows = [
        (
            o.item,
            _clip(o.name, NAME_WIDTH),
            o.paragraph or "—",
            weighing.outcome_words(o, change),
            o.reason,
        )
        for o in sorted(result.weighed, key=lambda o: (o.rank, o.paragraph or "", o.item))
    ]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header) - 1)]

    def line(row: tuple[str, ...]) -> str:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        return "  ".join([*cells, row[-1]]).rstrip()

    return [line(header), *(line(r) for r in rows)]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
