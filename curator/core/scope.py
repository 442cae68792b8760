"""Exact scope comparison of two criteria expressions (docs/design.md §4).

Decides whether a new expression captures a superset (tightened), a subset (loosened), the same
set (equivalent) or neither (mixed) of *all possible items*, not only the catalogue's. An item
assigns every parameter a value or leaves it missing; it is captured iff `evaluate` is True
(unknown is not captured).

Every comparison is `parameter op constant`, so an atom's truth depends only on which *cell* of
its parameter the value falls in: the point at each constant, the open intervals between them,
below the smallest, above the largest, and missing (flags: true, false, missing). The search
splits one parameter at a time, substitutes each cell into both expressions and simplifies them
(Kleene), so a branch ends as soon as both sides are decided; the whole search stops once both a
newly captured and a released item have been found.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Final

from curator.core.criteria import All, Any, Atom, Expr, evaluate, figure

TIGHTENED: Final = "tightened"
LOOSENED: Final = "loosened"
EQUIVALENT: Final = "equivalent"
MIXED: Final = "mixed"
EFFECTS: Final = (TIGHTENED, LOOSENED, EQUIVALENT, MIXED)

Value = float | bool
# one control's criteria: nothing, one expression, or its paragraphs (captured when any is)
Criteria = Expr | Sequence[Expr] | None
# cases a comparison may explore: real controls need a few thousand, while many paragraphs on
# distinct parameters grow exponentially and must not hang diff, log or a release
MAX_STEPS: Final = 20_000


class TooComplex(ValueError):
    """The exact comparison would explore more than MAX_STEPS cases."""


# ---------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class Witness(Mapping[str, Value]):
    """An example item: parameter → value; a parameter not listed is missing from the item."""

    pairs: tuple[tuple[str, Value], ...]
    # parameters the example must lack (not part of the mapping): they show where the
    # difference comes only from a missing figure
    missing: tuple[str, ...] = ()

    def __getitem__(self, key: str) -> Value:
        for name, value in self.pairs:
            if name == key:
                return value
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    def __hash__(self) -> int:
        return hash(frozenset(self.pairs))

    def __repr__(self) -> str:
        lacking = f", missing={self.missing!r}" if self.missing else ""
        return f"Witness({dict(self.pairs)!r}{lacking})"

    def describe(self) -> str:
        """`tpp=4000, performance_density=6`."""
        shown = [f"{name}={figure(value, as_written=True)}" for name, value in self.pairs]
        shown += [f"no {name}" for name in self.missing]
        return ", ".join(shown) if shown else "no parameters at all"


@dataclass(frozen=True)
class Comparison:
    effect: str  # one of EFFECTS
    newly_captured: Witness | None  # an item only the new expression captures
    released: Witness | None  # an item only the old expression captures

    def describe(self) -> str:
        """One sentence a reviewer can check by hand."""
        parts = []
        if self.newly_captured is not None:
            parts.append(f"an item with {self.newly_captured.describe()} is newly captured")
        if self.released is not None:
            who = "one" if parts else "an item"
            parts.append(f"{who} with {self.released.describe()} is released")
        return "; ".join(parts) if parts else "exactly the same items are captured"


# ---------------------------------------------------------------- public functions


def union(exprs: Iterable[Expr]) -> Expr | None:
    """The paragraphs of one control as one expression: captured when any paragraph is."""
    terms: list[Expr] = []
    for expr in exprs:
        terms.extend(expr.terms if isinstance(expr, Any) else (expr,))
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else Any(tuple(terms))


def compare(old: Criteria, new: Criteria) -> Comparison:
    """How the set of all items captured changes from `old` to `new` (`None` captures nothing)."""
    old_expr, new_expr = _as_expr(old), _as_expr(new)
    order = _appearance_order(old_expr, new_expr)
    start = (_convert(old_expr), _convert(new_expr))
    newly, released = _search(*start)
    effect = {
        (True, True): MIXED,
        (True, False): TIGHTENED,
        (False, True): LOOSENED,
        (False, False): EQUIVALENT,
    }[(newly is not None, released is not None)]
    return Comparison(effect, _witness(newly, order), _witness(released, order))


def _as_expr(criteria: Criteria) -> Expr | None:
    if criteria is None or isinstance(criteria, Atom | All | Any):
        return criteria
    if isinstance(criteria, Sequence) and not isinstance(criteria, str):
        return union(criteria)
    raise TypeError(f"not a criteria expression: {criteria!r}")


def _appearance_order(*exprs: Expr | None) -> dict[str, int]:
    # witnesses list parameters in the order a reader meets them in the expressions
    order: dict[str, int] = {}
    for expr in exprs:
        for name in _param_names(expr):
            order.setdefault(name, len(order))
    return order


def _param_names(expr: Expr | None) -> Iterator[str]:
    if isinstance(expr, Atom):
        yield expr.param
    elif expr is not None:
        for term in expr.terms:
            yield from _param_names(term)


def _witness(assignment: Assignment | None, order: Mapping[str, int]) -> Witness | None:
    if assignment is None:
        return None

    def rank(name: str) -> int:
        return order.get(name, len(order))

    present = sorted(
        ((name, value) for name, value in assignment if not isinstance(value, _Missing)),
        key=lambda pair: rank(pair[0]),
    )
    missing = sorted((name for name, value in assignment if value is _MISSING), key=rank)
    return Witness(tuple(present), tuple(missing))


# ---------------------------------------------------------------- residual expressions
#
# While cells are substituted, an expression shrinks to a *residual*: True, False, None
# (unknown) or a node still depending on unassigned parameters. Terms live in frozensets so that
# reordered or duplicated terms become equal, which lets identical sub-searches be skipped.


class _Missing:
    def __repr__(self) -> str:
        return "missing"


_MISSING: Final = _Missing()


@dataclass(frozen=True)
class _Cmp:
    param: str
    op: str
    value: Value
    flag: bool  # kept apart so `x == true` and `x == 1` never merge (True == 1 in Python)
    atom: Atom = field(compare=False, repr=False)  # the comparison as `evaluate` takes it

    def truth(self, actual: Value | _Missing) -> bool | None:
        if isinstance(actual, _Missing):
            return None
        return evaluate(self.atom, {self.param: actual})


@dataclass(frozen=True)
class _And:
    terms: frozenset[Residual]
    params: frozenset[str] = field(compare=False)


@dataclass(frozen=True)
class _Or:
    terms: frozenset[Residual]
    params: frozenset[str] = field(compare=False)


Residual = bool | None | _Cmp | _And | _Or
_NODES: Final = (_And, _Or)
Assignment = tuple[tuple[str, Value | _Missing], ...]


def _convert(expr: Expr | None) -> Residual:
    if expr is None:
        return False  # no criteria: captures nothing
    if isinstance(expr, Atom):
        flag = isinstance(expr.value, bool)
        value = expr.value if flag else float(expr.value)
        return _Cmp(expr.param, expr.op, value, flag, Atom(expr.param, expr.op, value))
    terms = (_convert(t) for t in expr.terms)
    return _and(terms) if isinstance(expr, All) else _or(terms)


def _params(r: Residual) -> frozenset[str]:
    if isinstance(r, _Cmp):
        return frozenset((r.param,))
    if isinstance(r, _NODES):
        return r.params
    return frozenset()


def _and(terms: Iterable[Residual]) -> Residual:
    kept: set[Residual] = set()
    for term in terms:
        if term is False:
            return False
        if term is True:
            continue
        kept.update(term.terms if isinstance(term, _And) else (term,))
    return _node(kept, _And, empty=True)


def _or(terms: Iterable[Residual]) -> Residual:
    kept: set[Residual] = set()
    for term in terms:
        if term is True:
            return True
        if term is False:
            continue
        kept.update(term.terms if isinstance(term, _Or) else (term,))
    return _node(kept, _Or, empty=False)


def _node(kept: set[Residual], kind: type[_And] | type[_Or], empty: bool) -> Residual:
    # an unknown term stays as None inside the node: `unknown and x` is False when x is False
    if not kept:
        return empty
    if len(kept) == 1:
        return next(iter(kept))
    return kind(frozenset(kept), frozenset().union(*(_params(t) for t in kept)))


def _substitute(
    r: Residual, param: str, actual: Value | _Missing, memo: dict[tuple, Residual]
) -> Residual:
    """`r` with `param` set to `actual`, simplified; `memo` shares work between branches."""
    if isinstance(r, _Cmp):
        return r.truth(actual) if r.param == param else r
    if not isinstance(r, _NODES) or param not in r.params:
        return r
    # type(actual) in the key: True == 1.0 and must not share an entry with it
    key = (r, param, actual, type(actual))
    done = memo.get(key)
    if done is None and key not in memo:
        terms = (_substitute(t, param, actual, memo) for t in r.terms)
        done = memo[key] = _and(terms) if isinstance(r, _And) else _or(terms)
    return done


def _count_atoms(r: Residual, counts: dict[str, int]) -> None:
    if isinstance(r, _Cmp):
        counts[r.param] = counts.get(r.param, 0) + 1
    elif isinstance(r, _NODES):
        for term in r.terms:
            _count_atoms(term, counts)


def _collect(r: Residual, param: str, numbers: set[float], kinds: set[bool]) -> None:
    """The constants `param` is compared with, and whether it is used as a flag / a number."""
    if isinstance(r, _Cmp):
        if r.param == param:
            kinds.add(r.flag)
            if not r.flag:
                numbers.add(float(r.value))
    elif isinstance(r, _NODES) and param in r.params:
        for term in r.terms:
            _collect(term, param, numbers, kinds)


# ---------------------------------------------------------------- cells and representatives


def _cells(param: str, *residuals: Residual) -> list[Value | _Missing]:
    """One representative value per cell of `param`, missing last (concrete examples read better)."""
    numbers: set[float] = set()
    kinds: set[bool] = set()
    for r in residuals:
        _collect(r, param, numbers, kinds)
    cells: list[Value | _Missing] = []
    if numbers:
        points = sorted(numbers)
        cells.append(_below(points[0]))
        for low, high in pairwise(points):
            cells.append(low)
            between = _between(low, high)
            if between is not None:  # adjacent floats leave no value between them
                cells.append(between)
        cells.append(points[-1])
        cells.append(_above(points[-1]))
    # a value of the other kind makes every comparison unknown, like missing: no extra cell
    if True in kinds:
        cells.extend((True, False))
    cells.append(_MISSING)
    return cells


def _between(low: float, high: float) -> float | None:
    """The roundest number strictly inside (low, high): 4400 in (4000, 4800), 6 in (5.92, 6.5)."""
    mid = low / 2 + high / 2  # halves first: no overflow near the float limits
    if not low < mid < high:
        return None
    top = min(308, math.floor(math.log10(high / 2 - low / 2)) + 2)
    for exponent in range(top, -324, -1):
        step = 10.0**exponent
        candidate = round(mid / step) * step
        if exponent < 0:
            # repair float noise such as 0.30000000000000004
            candidate = round(candidate, -exponent)
        if low < candidate < high:
            return candidate
    return mid


def _below(value: float) -> float:
    """A readable value under the smallest constant: 4799 under 4800, 5 under 5.92."""
    if abs(value) < 2**52:
        return float(math.floor(value) if not value.is_integer() else value - 1)
    candidate = value - abs(value) / 2  # huge: 1 is lost in rounding
    return candidate if math.isfinite(candidate) else math.nextafter(value, -math.inf)


def _above(value: float) -> float:
    """A readable value over the largest constant: 4801 over 4800, 6 over 5.92."""
    return -_below(-value)


# ---------------------------------------------------------------- the search


def _search(old: Residual, new: Residual) -> tuple[Assignment | None, Assignment | None]:
    """An assignment newly captured (new True, old not) and one released, each or None."""
    newly: Assignment | None = None
    released: Assignment | None = None
    seen: set[tuple[Residual, Residual]] = set()
    memo: dict[tuple, Residual] = {}
    # an explicit stack: one level per parameter, and a list may use hundreds of parameters
    stack: list[tuple[Residual, Residual, Assignment]] = [(old, new, ())]
    steps = 0
    while stack and (newly is None or released is None):
        steps += 1
        if steps > MAX_STEPS:
            raise TooComplex(
                f"the criteria are too complex to compare exactly (over {MAX_STEPS:,} cases)"
            )
        o, n, assignment = stack.pop()
        if o == n or (o, n) in seen:
            continue  # same residuals: no difference below; seen: already explored
        seen.add((o, n))
        # can this branch still produce what we lack?
        want_new = newly is None and o is not True and _may_hold(n)
        want_rel = released is None and n is not True and _may_hold(o)
        if not (want_new or want_rel):
            continue
        if _decided(o) and _decided(n):
            if n is True:
                newly = assignment
            else:
                released = assignment
            continue
        counts: dict[str, int] = {}
        _count_atoms(o, counts)
        _count_atoms(n, counts)
        # the most used parameter simplifies most; the name breaks ties so results are stable
        param = min(counts, key=lambda p: (-counts[p], p))
        children = [
            (
                _substitute(o, param, cell, memo),
                _substitute(n, param, cell, memo),
                (*assignment, (param, cell)),
            )
            for cell in _cells(param, o, n)
        ]
        stack.extend(reversed(children))  # first cell explored first
    return newly, released


def _decided(r: Residual) -> bool:
    return r is True or r is False or r is None


def _may_hold(r: Residual) -> bool:
    """Some completion of the assignment can still make `r` True."""
    return r is not False and r is not None
