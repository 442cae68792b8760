"""Sweeping one threshold (docs/design.md §3): the weighing at every candidate threshold, and the
thresholds at which the verdict is balanced. Vectorised with numpy so a live what-if stays
instant on a large catalogue.

Kleene values (core.columns) have shape (thresholds, items); comparisons that do not involve
the swept parameter have shape (1, items) and broadcast.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from curator.core import criteria
from curator.core.columns import Columns, Swept
from curator.core.criteria import figure, fits
from curator.core.model import CatalogueItem
from curator.core.problems import InvalidValue
from curator.core.weigh import (
    BALANCED,
    LEAK,
    OVERREACH,
    UNDECIDED,
    Labelled,
    Setting,
    facts_of,
    in_scope,
    judge,
    paragraph_columns,
)


@dataclass(frozen=True)
class SweepPoint:
    """The weighing at one candidate threshold, with the outcomes `weigh.judge` defines."""

    threshold: float
    captured: int
    leaks: int  # on the committee's records
    overreach: int
    undermined: int
    leaks_span: tuple[int, int]  # the fewest and the most, over the records and the dissents
    overreach_span: tuple[int, int]
    verdict: str
    verdict_if_dissents_hold: str

    @property
    def too_tight(self) -> int:
        return self.overreach + self.undermined


@dataclass(frozen=True)
class Sweep:
    param: str
    current: float  # the reference constant the expression has now
    items: int  # catalogue items within the expression's scope (see weigh.in_scope)
    points: tuple[SweepPoint, ...]  # by threshold, ascending
    balanced: tuple[tuple[float, float], ...]  # runs of candidates whose verdict is balanced
    fewest_too_tight: tuple[float, float] | None  # no leaks and the fewest too-tight captures
    scaled: bool  # other constants on `param` scaled with the reference; False: all replaced
    paragraph: str = ""  # the paragraph swept; "" for every paragraph using `param`

    @property
    def empty(self) -> bool:
        return self.items == 0

    def is_balanced_at(self, threshold: float) -> bool:
        """Whether `threshold` lies in a balanced run (between candidates of one run, the
        criteria capture what they capture at its upper end)."""
        return any(lo <= threshold <= hi for lo, hi in self.balanced)

    def summary(self) -> str:
        if self.empty:
            return "no catalogue item is within the expression's scope: there is nothing to sweep"
        if self.balanced:
            runs = ", ".join(_run(lo, hi) for lo, hi in self.balanced)
            return f"balanced on {self.param}: {runs}"
        if self.fewest_too_tight is None:
            return f"no balanced threshold on {self.param}: every threshold leaks"
        lo, hi = self.fewest_too_tight
        best = next(p.too_tight for p in self.points if p.threshold == lo)
        return (
            f"no balanced threshold on {self.param}; without leaks, the fewest captures too "
            f"tight ({best}) are at {_run(lo, hi)}"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "sweep": {
                "param": self.param,
                "paragraph": self.paragraph,
                "current": _number(self.current),
                "scaled": self.scaled,
                "points": [
                    {
                        "threshold": _number(p.threshold),
                        "captured": p.captured,
                        "leaks": {"min": p.leaks_span[0], "max": p.leaks_span[1]},
                        "overreach": {"min": p.overreach_span[0], "max": p.overreach_span[1]},
                        "undermined": p.undermined,
                        "verdict": p.verdict,
                        "verdict_if_dissents_hold": p.verdict_if_dissents_hold,
                    }
                    for p in self.points
                ],
                "balanced": [[_number(lo), _number(hi)] for lo, hi in self.balanced],
                "fewest_too_tight": (
                    None
                    if self.fewest_too_tight is None
                    else [_number(v) for v in self.fewest_too_tight]
                ),
            }
        }


def _run(lo: float, hi: float) -> str:
    return figure(lo) if lo == hi else f"{figure(lo)} – {figure(hi)}"


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


# ---------------------------------------------------------------- the threshold semantics


def reference_constant(expressions: Sequence[Labelled], param: str, paragraph: str = "") -> float:
    """The first constant compared with `param`, in file order (in `paragraph` when given):
    the threshold being swept."""
    constants = _constants(expressions, param, paragraph)
    if constants:
        return constants[0]
    chosen = [(label, e) for label, e in expressions if not paragraph or label == paragraph]
    used = sorted({a.param for _, e in chosen for a in criteria.atoms(e)})
    where = f"paragraph {paragraph}" if paragraph else "the expression"
    if any(a.param == param for _, e in chosen for a in criteria.atoms(e)):
        raise InvalidValue(
            f"'{param}' is a yes/no flag: only a number threshold can be swept",
            field="sweep",
            value=param,
        )
    close = difflib.get_close_matches(param, used, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise InvalidValue(
        f"cannot sweep '{param}': {where} does not use it{hint}; it uses {', '.join(used)}",
        field="sweep",
        value=param,
        suggestions=tuple(close),
    )


def constant_map(constants: Sequence[float], reference: float, threshold: float) -> dict:
    """Where each constant on the swept parameter goes when the reference becomes `threshold`.

    The reference constant c0 becomes t and every other constant c becomes c·t/c0, so a band such
    as `1600 <= tpp < 4800` keeps its shape; with a single comparison this is plain substitution.
    When c0 <= 0 or any constant is negative, scaling has no meaning and every constant becomes t.
    """
    if not _scalable(constants, reference):
        return dict.fromkeys(constants, threshold)
    return {c: threshold if c == reference else c * threshold / reference for c in constants}


def rescaled(
    expressions: Sequence[Labelled], param: str, threshold: float, paragraph: str = ""
) -> tuple[Labelled, ...]:
    """The expression set with the swept threshold set to `threshold` (see `constant_map`), in
    `paragraph` alone when given."""
    reference = reference_constant(expressions, param, paragraph)
    mapping = constant_map(_constants(expressions, param, paragraph), reference, threshold)
    return tuple(
        (label, criteria.replace_constants(e, param, mapping) if _swept(label, paragraph) else e)
        for label, e in expressions
    )


def _swept(label: str, paragraph: str) -> bool:
    return not paragraph or label == paragraph


def _constants(expressions: Sequence[Labelled], param: str, paragraph: str = "") -> list[float]:
    return [
        a.value
        for label, e in expressions
        if _swept(label, paragraph)
        for a in criteria.atoms(e)
        if a.param == param and not isinstance(a.value, bool)
    ]


def _scalable(constants: Sequence[float], reference: float) -> bool:
    return reference > 0 and all(c >= 0 for c in constants)


# ---------------------------------------------------------------- the sweep


def sweep(
    expressions: Sequence[Labelled],
    catalogue: Mapping[str, CatalogueItem],
    setting: Setting,
    param: str,
    paragraph: str = "",
) -> Sweep:
    """The weighing at every candidate threshold on `param`.

    Candidates are the catalogue's distinct finite numeric values of `param` plus the current
    threshold. At candidate t the reference constant c0 (the first constant on `param`, in file
    order, in `paragraph` when given, else in any paragraph) becomes t and every other constant c
    on `param` there becomes c·t/c0, so bands keep their shape; if c0 <= 0 or any constant is
    negative, every constant becomes t (`constant_map`). The other paragraphs stay in force as
    written. Each point is judged by `weigh.judge`, the verdict's own outcomes: exceptions,
    foreign availability and disputed items count as they do in `weigh`. The balanced runs are
    the candidates whose verdict is balanced; when there are none, `fewest_too_tight` holds the
    lowest and highest candidate with no leaks and the fewest overreach and undermined captures.
    """
    reference = reference_constant(expressions, param, paragraph)
    # items measured on none of the expression's parameters are outside its scope at every
    # threshold, so leaving them out changes no count; it keeps the arrays to those that matter
    items = [
        catalogue[k]
        for k in sorted(catalogue)
        if setting.weighs(catalogue[k]) and in_scope(expressions, catalogue[k].params)
    ]
    values = _numbers(items, param)
    found = values[np.isfinite(values)]
    thresholds = np.unique(np.append(found, reference))

    scaled = _scalable(_constants(expressions, param, paragraph), reference)
    swept = Swept(param, thresholds, reference, scaled)
    table = Columns(items)
    columns = paragraph_columns(expressions, table, swept, paragraph)
    judged = judge(columns, table, setting, facts_of(table, setting))
    count = len(thresholds)
    leaks, overreach = judged.count(LEAK), judged.count(OVERREACH)
    leaks_span, overreach_span = judged.span(LEAK), judged.span(OVERREACH)
    undermined = judged.undermined.sum(axis=1)
    captured = judged.captures()
    verdicts, if_dissents = judged.verdicts(), judged.verdicts(True)

    def each(values: np.ndarray) -> np.ndarray:
        return np.broadcast_to(values, (count,))

    points = tuple(
        SweepPoint(
            float(thresholds[i]),
            int(each(captured)[i]),
            int(each(leaks)[i]),
            int(each(overreach)[i]),
            int(each(undermined)[i]),
            (int(each(leaks_span[0])[i]), int(each(leaks_span[1])[i])),
            (int(each(overreach_span[0])[i]), int(each(overreach_span[1])[i])),
            verdicts[min(i, len(verdicts) - 1)],
            if_dissents[min(i, len(if_dissents) - 1)],
        )
        for i in range(count)
    )
    return Sweep(
        param=param,
        current=reference,
        items=len(items),
        points=points if items else (),
        balanced=_balanced_runs(points) if items else (),
        fewest_too_tight=_fewest_too_tight(points) if items else None,
        scaled=scaled,
        paragraph=paragraph,
    )


def _balanced_runs(points: Sequence[SweepPoint]) -> tuple[tuple[float, float], ...]:
    runs: list[tuple[float, float]] = []
    start: float | None = None
    for i, point in enumerate(points):
        if point.verdict == BALANCED:
            start = point.threshold if start is None else start
            last = i + 1 == len(points) or points[i + 1].verdict != BALANCED
            if last:
                runs.append((start, point.threshold))
                start = None
    return tuple(runs)


def _fewest_too_tight(points: Sequence[SweepPoint]) -> tuple[float, float] | None:
    # an undecided point has no leaks because it decided nothing, not because none leak
    clean = [p for p in points if p.leaks == 0 and p.verdict != UNDECIDED]
    if not clean:
        return None
    least = min(p.too_tight for p in clean)
    chosen = [p.threshold for p in clean if p.too_tight == least]
    return (min(chosen), max(chosen))


def _numbers(items: Sequence[CatalogueItem], param: str) -> np.ndarray:
    raw = [i.params.get(param) for i in items]
    return np.array([v for v in raw if fits(v, False)], dtype=float)


# ---------------------------------------------------------------- the chart


LEAK_MARK, TIGHT_MARK, BOTH_MARKS = "●", "○", "◉"


def chart(result: Sweep, width: int = 64, height: int = 10) -> tuple[str, ...]:
    """The two curves as Unicode text lines: leaks (●) and captures too tight (○: overreach or
    undermined) on the committee's records against the candidate thresholds in ascending order
    (one column per candidate, or per group of candidates when there are more than `width`), the
    current threshold (▲) and the balanced thresholds (━) marked.
    Pure text, so the terminal UI can show the same chart."""
    points = result.points
    if not points:
        return ()
    columns = _columns(len(points), width)
    top = max(max(max(p.leaks, p.too_tight) for p in points), 1)
    rows = min(height, top + 1)

    def row_of(count: int) -> int:
        return round(count * (rows - 1) / top)

    shown = [points[group[0]] for group in columns]
    label_width = len(str(top))
    lines = []
    for r in range(rows - 1, -1, -1):
        cells = []
        for p in shown:
            leak, over = row_of(p.leaks) == r, row_of(p.too_tight) == r
            cells.append(
                BOTH_MARKS if leak and over else LEAK_MARK if leak else TIGHT_MARK if over else " "
            )
        value = round(r * top / (rows - 1)) if rows > 1 else 0
        # one count per row: label them all; a scaled axis labels its ends and middle
        labelled = rows == top + 1 or r in (0, rows - 1, (rows - 1) // 2)
        tick = str(value).rjust(label_width) if labelled else " " * label_width
        lines.append(f"{tick} ┤{''.join(cells)}".rstrip())
    pad = " " * (label_width + 1)
    lines.append(f"{pad}└{'─' * len(columns)}")

    marks = []
    for c, group in enumerate(columns):
        span = [points[i].threshold for i in group]
        first = c == 0 or columns[c - 1] != group  # a stretched candidate gets one ▲, not four
        if first and any(t == result.current for t in span):
            marks.append("▲")
        elif any(points[i].verdict == BALANCED for i in group):
            marks.append("━")
        else:
            marks.append(" ")
    lines.append(f"{pad} {''.join(marks)}".rstrip())
    current = marks.index("▲") if "▲" in marks else None
    ends = (shown[0].threshold, shown[-1].threshold)
    lines.append(f"{pad} {_axis_labels(ends, len(columns), current, result.current)}".rstrip())
    lines.append(_legend(result))
    return tuple(lines)


def _columns(count: int, width: int) -> list[list[int]]:
    """Which candidates each column shows: stretched when few, grouped when many."""
    if count <= width:
        stretch = max(1, min(4, width // count))
        return [[i] for i in range(count) for _ in range(stretch)]
    return [list(range(c * count // width, (c + 1) * count // width)) for c in range(width)]


def _axis_labels(ends: tuple[float, float], span: int, at: int | None, current: float) -> str:
    """The lowest and highest candidate at the ends, and the current one under its ▲ when it
    fits between them."""
    left, right = figure(ends[0]), figure(ends[1])
    if ends[0] == ends[1]:
        return left
    cells = [" "] * max(span, len(left) + len(right) + 1)
    cells[: len(left)] = left
    cells[len(cells) - len(right) :] = right
    label = figure(current)
    if at is not None and current not in ends:
        start = max(0, at - len(label) // 2)
        if start > len(left) and start + len(label) < len(cells) - len(right):
            cells[start : start + len(label)] = label
    return "".join(cells)


def _legend(result: Sweep) -> str:
    parts = [
        f"{LEAK_MARK} leaks",
        f"{TIGHT_MARK} too tight (overreach or undermined)",
        f"{BOTH_MARKS} both",
        f"▲ current {result.param} {figure(result.current)}",
    ]
    if result.balanced:
        parts.append(f"━ balanced {', '.join(_run(lo, hi) for lo, hi in result.balanced)}")
    else:
        parts.append("no balanced threshold")
    return "  ".join(parts)
