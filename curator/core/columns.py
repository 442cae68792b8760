"""The catalogue as numpy columns, so that an expression is judged for every item at once: a
sweep judges it at every candidate threshold, a diff judges two versions of a control.

Kleene values are two boolean arrays, `is_true` and `is_false` (neither: unknown), computed by
`criteria.kleene`, the one evaluator, which gives one item's the same way (a table of one row).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from curator.core.criteria import Atom, Expr, any_of, fits, kleene
from curator.core.model import CatalogueItem, of_kinds

Kleene = tuple[np.ndarray, np.ndarray]  # (is_true, is_false)


@dataclass(frozen=True)
class Swept:
    """The constants on `param` swept over `thresholds` as `sweep.sweep` describes (`reference`:
    the constant they replace; `scaled`: the others scale with it). No param: none swept."""

    param: str = ""
    thresholds: np.ndarray = field(default_factory=lambda: np.empty(0))
    reference: float = 0.0
    scaled: bool = False

    def constant(self, atom: Atom) -> float | bool | np.ndarray:
        """What `atom`'s constant is compared as: itself, or one per threshold (a column)."""
        if atom.param != self.param or isinstance(atom.value, bool):
            return atom.value
        if not self.scaled or atom.value == self.reference:
            constant = self.thresholds  # exact, with no rounding from c0·t/c0
        else:
            constant = atom.value * self.thresholds / self.reference
        return constant[:, np.newaxis]


AS_WRITTEN = Swept()


class Columns:
    """The catalogue's figures as columns, read once per parameter."""

    @classmethod
    def of(cls, catalogue: Mapping[str, CatalogueItem]) -> Columns:
        """The whole catalogue, in id order."""
        return cls([catalogue[k] for k in sorted(catalogue)])

    def __init__(self, items: Sequence[CatalogueItem]) -> None:
        self.items = items
        self.cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.marks: dict[str, np.ndarray] = {}
        self.made: dict[str, Any] = {}

    def mark(self, name: str, of: Callable[[CatalogueItem], bool]) -> np.ndarray:
        """A yes/no column about the items themselves (foreign, available…), made once."""
        if name not in self.marks:
            self.marks[name] = np.array([bool(of(i)) for i in self.items], dtype=bool)
        return self.marks[name]

    def of_kinds(self, kinds: tuple[str, ...]) -> np.ndarray:
        """Which items are of `kinds` (none named: all), as a control weighs them."""
        return self.mark(f"of kinds {','.join(kinds)}", lambda item: of_kinds(kinds, item))

    def memo(self, name: str, make: Callable[[], Any]) -> Any:
        """Anything else about the items (the concern judgements), made once per name."""
        if name not in self.made:
            self.made[name] = make()
        return self.made[name]

    def measured_on(self, params: Set[str]) -> np.ndarray:
        """For each item, whether it has a figure (of any type) for one of `params`."""
        return np.array([not params.isdisjoint(i.params) for i in self.items], dtype=bool)

    def column(self, param: str, flag: bool) -> tuple[np.ndarray, np.ndarray]:
        """(values, known): a flag column holds 1.0/0.0; a value of the wrong type is unknown."""
        key = f"{param}?" if flag else param
        if key not in self.cache:
            raw = [i.params.get(param) for i in self.items]
            # most items lack most parameters (a catalogue spans technologies)
            fitting = [v is not None and fits(v, flag) for v in raw]
            # a flag column holds 1.0/0.0 (numpy reads True as 1.0)
            values = np.array(
                [v if k else np.nan for v, k in zip(raw, fitting, strict=True)], dtype=float
            )
            self.cache[key] = (values, np.array(fitting, dtype=bool))
        return self.cache[key]

    def cells(self, param: str, flag: bool) -> tuple[np.ndarray, np.ndarray]:
        """`column` as one row of shape (1, items), which a swept constant broadcasts."""
        values, known = self.column(param, flag)
        return values[np.newaxis, :], known[np.newaxis, :]


def evaluate(expr: Expr, table: Columns, swept: Swept = AS_WRITTEN) -> Kleene:
    """`expr` for every item, its constants as written or as `swept`: shape (1 or
    thresholds, items)."""
    return kleene(expr, table, swept.constant if swept.param else None)


def judged(expressions: Sequence[Expr], table: Columns, swept: Swept = AS_WRITTEN) -> Kleene:
    """Whether any of `expressions` holds, for every item (one or more expressions)."""
    return any_of([evaluate(e, table, swept) for e in expressions])


def captured(expressions: Sequence[Expr], table: Columns) -> np.ndarray:
    """For each of the table's items, whether any of `expressions` is True for it (no sweep:
    every constant as written)."""
    if not expressions:
        return np.zeros(len(table.items), dtype=bool)
    return np.broadcast_to(judged(expressions, table)[0], (1, len(table.items)))[0]


def captured_apart(
    old: Sequence[Expr],
    new: Sequence[Expr],
    table: Columns,
    kinds: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ids of the items only `new` captures, and of those only `old` captures, each among
    the items of its control's `kinds` (old, new)."""
    before = captured(old, table) & table.of_kinds(kinds[0])
    after = captured(new, table) & table.of_kinds(kinds[1])
    ids = table.memo("ids", lambda: [item.id for item in table.items])
    newly = tuple(ids[i] for i in np.flatnonzero(after & ~before))
    released = tuple(ids[i] for i in np.flatnonzero(before & ~after))
    return newly, released
