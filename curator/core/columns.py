"""The catalogue as numpy columns, so that an expression is judged for every item at once: a
sweep judges it at every candidate threshold, a diff judges two versions of a control.

Kleene values are two boolean arrays, `is_true` and `is_false` (neither: unknown), the same
three values as `criteria.evaluate` gives item by item.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set

import numpy as np

from curator.core.criteria import All, Atom, Expr
from curator.core.model import CatalogueItem

Kleene = tuple[np.ndarray, np.ndarray]  # (is_true, is_false)
NOTHING_SWEPT = np.empty(0)


class Columns:
    """The catalogue's figures as columns, read once per parameter."""

    def __init__(self, items: Sequence[CatalogueItem]) -> None:
        self.items = items
        self.cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.marks: dict[str, np.ndarray] = {}

    def mark(self, name: str, of: Callable[[CatalogueItem], bool]) -> np.ndarray:
        """A yes/no column about the items themselves (of concern, foreign…), made once."""
        if name not in self.marks:
            self.marks[name] = np.array([bool(of(i)) for i in self.items], dtype=bool)
        return self.marks[name]

    def measured_on(self, params: Set[str]) -> np.ndarray:
        """For each item, whether it has a figure (of any type) for one of `params`."""
        return np.array([not params.isdisjoint(i.params) for i in self.items], dtype=bool)

    def column(self, param: str, flag: bool) -> tuple[np.ndarray, np.ndarray]:
        """(values, known): a flag column holds 1.0/0.0; a value of the wrong type is unknown."""
        key = f"{param}?" if flag else param
        if key not in self.cache:
            raw = [i.params.get(param) for i in self.items]
            known = np.array([fits(v, flag) for v in raw], dtype=bool)
            values = np.array([float(v) if k else np.nan for v, k in zip(raw, known, strict=True)])
            self.cache[key] = (values, known)
        return self.cache[key]


def fits(value: object, flag: bool) -> bool:
    if flag:
        return isinstance(value, bool)
    return isinstance(value, int | float) and not isinstance(value, bool)


def evaluate(
    expr: Expr,
    table: Columns,
    param: str,
    thresholds: np.ndarray,
    reference: float,
    scaled: bool,
) -> Kleene:
    """`expr` for every item, with the constants on `param` ("" for none) swept over
    `thresholds` as `sweep.sweep` describes (`reference` the constant they replace)."""
    if isinstance(expr, Atom):
        return _compare(expr, table, param, thresholds, reference, scaled)
    parts = [evaluate(t, table, param, thresholds, reference, scaled) for t in expr.terms]
    return all_of(parts) if isinstance(expr, All) else any_of(parts)


def _compare(
    atom: Atom,
    table: Columns,
    param: str,
    thresholds: np.ndarray,
    reference: float,
    scaled: bool,
) -> Kleene:
    flag = isinstance(atom.value, bool)
    values, known = table.column(atom.param, flag)
    values, known = values[np.newaxis, :], known[np.newaxis, :]
    if atom.param == param and not flag:
        if not scaled:
            constant = thresholds
        elif atom.value == reference:
            constant = thresholds  # exact, with no rounding from c0·t/c0
        else:
            constant = atom.value * thresholds / reference
        constant = constant[:, np.newaxis]
    else:
        constant = float(atom.value)
    with np.errstate(invalid="ignore"):
        holds = _OPS[atom.op](values, constant)
    return known & holds, known & ~holds


_OPS = {
    ">=": np.greater_equal,
    ">": np.greater,
    "<=": np.less_equal,
    "<": np.less,
    "==": np.equal,
}


def all_of(parts: list[Kleene]) -> Kleene:
    is_true, is_false = parts[0]
    for t, f in parts[1:]:
        is_true, is_false = is_true & t, is_false | f
    return is_true, is_false


def any_of(parts: list[Kleene]) -> Kleene:
    is_true, is_false = parts[0]
    for t, f in parts[1:]:
        is_true, is_false = is_true | t, is_false & f
    return is_true, is_false


def captured(expressions: Sequence[Expr], table: Columns) -> np.ndarray:
    """For each of the table's items, whether any of `expressions` is True for it (no sweep:
    every constant as written)."""
    if not expressions:
        return np.zeros(len(table.items), dtype=bool)
    parts = [evaluate(e, table, "", NOTHING_SWEPT, 0.0, False) for e in expressions]
    return np.broadcast_to(any_of(parts)[0], (1, len(table.items)))[0]
