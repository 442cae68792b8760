"""Sweeping one threshold (docs/design.md §3): leaks and overreach at every candidate threshold, and
the balanced window. Vectorised with numpy so a live what-if stays instant on a large catalogue.

Kleene values (core.columns) have shape (thresholds, items); comparisons that do not involve
the swept parameter have shape (1, items) and broadcast.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from curator.core import criteria
from curator.core.columns import Columns, Swept, fits, judged
from curator.core.model import CatalogueItem
from curator.core.problems import CuratorError
from curator.core.weigh import Labelled, figure, in_scope


@dataclass(frozen=True)
class SweepPoint:
    threshold: float
    leaks: int
    overreach: int
    captured: int


@dataclass(frozen=True)
class Sweep:
    param: str
    current: float  # the reference constant the expression has now
    items: int  # catalogue items within the expression's scope (see weigh.in_scope)
    points: tuple[SweepPoint, ...]  # by threshold, ascending
    balanced_window: tuple[float, float] | None
    scaled: bool  # other constants on `param` scaled with the reference; False: all replaced

    @property
    def empty(self) -> bool:
        return self.items == 0

    def summary(self) -> str:
        if self.empty:
            return "no catalogue item is within the expression's scope: there is nothing to sweep"
        if self.balanced_window is None:
            return f"no threshold on {self.param} keeps every item of concern captured"
        lo, hi = self.balanced_window
        best = next(p.overreach for p in self.points if p.threshold == lo)
        where = figure(lo) if lo == hi else f"{figure(lo)} – {figure(hi)}"
        return f"balanced window on {self.param}: {where} (no leaks, overreach {best})"

    def as_json(self) -> dict[str, object]:
        return {
            "sweep": [
                {
                    "threshold": _number(p.threshold),
                    "leaks": p.leaks,
                    "overreach": p.overreach,
                    "captured": p.captured,
                }
                for p in self.points
            ],
            "balanced_window": (
                None if self.balanced_window is None else [_number(v) for v in self.balanced_window]
            ),
        }


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


# ---------------------------------------------------------------- the threshold semantics


def reference_constant(expressions: Sequence[Labelled], param: str) -> float:
    """The first constant compared with `param`, in file order: the threshold being swept."""
    constants = _constants(expressions, param)
    if constants:
        return constants[0]
    used = sorted({a.param for _, e in expressions for a in criteria.atoms(e)})
    if any(a.param == param for _, e in expressions for a in criteria.atoms(e)):
        raise CuratorError(f"'{param}' is a yes/no flag: only a number threshold can be swept", 2)
    close = difflib.get_close_matches(param, used, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise CuratorError(
        f"cannot sweep '{param}': the expression does not use it{hint}; it uses {', '.join(used)}",
        2,
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


def rescaled(expressions: Sequence[Labelled], param: str, threshold: float) -> tuple[Labelled, ...]:
    """The expression set with the swept threshold set to `threshold` (see `constant_map`)."""
    reference = reference_constant(expressions, param)
    mapping = constant_map(_constants(expressions, param), reference, threshold)
    return tuple((label, criteria.replace_constants(e, param, mapping)) for label, e in expressions)


def _constants(expressions: Sequence[Labelled], param: str) -> list[float]:
    return [
        a.value
        for _, e in expressions
        for a in criteria.atoms(e)
        if a.param == param and not isinstance(a.value, bool)
    ]


def _scalable(constants: Sequence[float], reference: float) -> bool:
    return reference > 0 and all(c >= 0 for c in constants)


# ---------------------------------------------------------------- the sweep


def sweep(
    expressions: Sequence[Labelled],
    catalogue: Mapping[str, CatalogueItem],
    partners: Sequence[str],
    param: str,
) -> Sweep:
    """Leaks, overreach and captures at every candidate threshold on `param`.

    Candidates are the catalogue's distinct finite numeric values of `param` plus the current
    threshold. At candidate t the reference constant c0 (the first constant on `param` in the
    expressions, in file order) becomes t and every other constant c on `param` becomes c·t/c0, so
    bands keep their shape; if c0 <= 0 or any constant is negative, every constant becomes t
    (`constant_map`). An item whose value is missing or of the wrong type is unknown, as in
    `weigh`. The balanced window is the lowest and highest candidate with zero leaks and the
    fewest overreach, or None when every candidate leaks. `partners` does not enter the counts;
    it is taken so that a sweep and a weighing are called alike.
    """
    del partners  # foreign substitutes are not part of a sweep's curves
    reference = reference_constant(expressions, param)
    # items measured on none of the expression's parameters are unknown at every threshold, so
    # leaving them out changes no count; it keeps the arrays to the items that matter
    items = [catalogue[k] for k in sorted(catalogue) if in_scope(expressions, catalogue[k].params)]
    constants = _constants(expressions, param)
    values = _numbers(items, param)
    found = values[np.isfinite(values)]
    thresholds = np.unique(np.append(found, reference))

    scaled = _scalable(constants, reference)
    swept = Swept(param, thresholds, reference, scaled)
    is_true, is_false = judged([e for _, e in expressions], Columns(items), swept)
    shape = (len(thresholds), len(items))
    is_true = np.broadcast_to(is_true, shape)
    is_false = np.broadcast_to(is_false, shape)
    concern = np.array([i.of_concern for i in items], dtype=bool)

    captured = is_true.sum(axis=1)
    leaks = (is_false & concern).sum(axis=1)
    overreach = (is_true & ~concern).sum(axis=1)
    points = tuple(
        SweepPoint(float(t), int(lk), int(o), int(c))
        for t, lk, o, c in zip(thresholds, leaks, overreach, captured, strict=True)
    )
    return Sweep(
        param=param,
        current=reference,
        items=len(items),
        points=points,
        balanced_window=_window(thresholds, leaks, overreach) if items else None,
        scaled=scaled,
    )


def _window(thresholds: np.ndarray, leaks: np.ndarray, overreach: np.ndarray):
    tight = leaks == 0
    if not tight.any():
        return None
    chosen = thresholds[tight & (overreach == overreach[tight].min())]
    return (float(chosen.min()), float(chosen.max()))


def _numbers(items: Sequence[CatalogueItem], param: str) -> np.ndarray:
    raw = [i.params.get(param) for i in items]
    return np.array([float(v) for v in raw if fits(v, False)], dtype=float)


# ---------------------------------------------------------------- the chart


LEAK, OVERREACH, BOTH_MARKS = "●", "○", "◉"


def chart(result: Sweep, width: int = 64, height: int = 10) -> tuple[str, ...]:
    """The two curves as Unicode text lines: leaks (●) and overreach (○) against the candidate
    thresholds in ascending order (one column per candidate, or per group of candidates when
    there are more than `width`), the current threshold (▲) and the balanced window (━) marked.
    Pure text, so the terminal UI can show the same chart."""
    points = result.points
    if not points:
        return ()
    columns = _columns(len(points), width)
    top = max(max(max(p.leaks, p.overreach) for p in points), 1)
    rows = min(height, top + 1)

    def row_of(count: int) -> int:
        return round(count * (rows - 1) / top)

    shown = [points[group[0]] for group in columns]
    label_width = len(str(top))
    lines = []
    for r in range(rows - 1, -1, -1):
        cells = []
        for p in shown:
            leak, over = row_of(p.leaks) == r, row_of(p.overreach) == r
            cells.append(
                BOTH_MARKS if leak and over else LEAK if leak else OVERREACH if over else " "
            )
        value = round(r * top / (rows - 1)) if rows > 1 else 0
        # one count per row: label them all; a scaled axis labels its ends and middle
        labelled = rows == top + 1 or r in (0, rows - 1, (rows - 1) // 2)
        tick = str(value).rjust(label_width) if labelled else " " * label_width
        lines.append(f"{tick} ┤{''.join(cells)}".rstrip())
    pad = " " * (label_width + 1)
    lines.append(f"{pad}└{'─' * len(columns)}")

    window = result.balanced_window
    marks = []
    for c, group in enumerate(columns):
        span = [points[i].threshold for i in group]
        first = c == 0 or columns[c - 1] != group  # a stretched candidate gets one ▲, not four
        if first and any(t == result.current for t in span):
            marks.append("▲")
        elif window and any(window[0] <= t <= window[1] for t in span):
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
        f"{LEAK} leaks",
        f"{OVERREACH} overreach",
        f"{BOTH_MARKS} both",
        f"▲ current {result.param} {figure(result.current)}",
    ]
    if result.balanced_window:
        lo, hi = result.balanced_window
        parts.append(f"━ balanced window {figure(lo)}" + ("" if lo == hi else f" – {figure(hi)}"))
    else:
        parts.append("no balanced window: every threshold leaks")
    return "  ".join(parts)
