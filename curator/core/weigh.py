"""Weighing a control against the catalogue (docs/design.md §3): what it captures, what leaks out,
what it overreaches, and which captured items are sold abroad anyway.

Pure: the caller passes the parsed expressions, the catalogue and the partners. A control is an
ordered set of paragraphs, each `(label, expression)`; an item is captured when any paragraph is
True under Kleene three-valued logic, and *unknown* when none is True but some cannot be decided
because the item lacks a figure. An item measured on none of the expression's parameters (a GPU
under a quantum control) is outside its scope: counted, never reported as unknown or a leak.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from curator.core import criteria
from curator.core.columns import Columns, judged
from curator.core.criteria import All, Any, Atom, Expr, ExprError, Truth
from curator.core.model import CatalogueItem, Control, Parameter
from curator.core.problems import CuratorError

Labelled = tuple[str, Expr]  # (paragraph label, its parsed `match`)

TOO_LOOSE = "too-loose"
TOO_TIGHT = "too-tight"
BOTH = "both"
BALANCED = "balanced"
NOTHING_TO_WEIGH = "nothing-to-weigh"  # no catalogue item in scope: no verdict can be given
VERDICTS = (TOO_LOOSE, TOO_TIGHT, BOTH, BALANCED)

VERDICT_MEANING = {
    TOO_LOOSE: "lets items of concern out",
    TOO_TIGHT: "captures items not of concern, or sold abroad anyway",
    BOTH: "lets items of concern out and captures items not of concern",
    BALANCED: "no item of concern leaks and nothing else is captured",
    NOTHING_TO_WEIGH: "there is nothing to weigh against",
}

# the relation that held, and the one that held instead when the comparison failed
HELD = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}
FAILED = {">=": "<", ">": "≤", "<=": ">", "<": "≥", "==": "≠"}


# ---------------------------------------------------------------- expression sets of a control


def paragraph_name(control_id: str, label: str) -> str:
    """How a paragraph is cited: `3A090.a.1`; a whole-control expression is the control id."""
    if not control_id or label == control_id:
        return label or control_id
    return f"{control_id}.{label}"


def criteria_of(control: Control, parameters: Mapping[str, Parameter]) -> tuple[Labelled, ...]:
    """The control's own paragraphs that carry a `match`, parsed, in file order."""
    return tuple(
        (p.label, _parse_stored(control, i, p.match, parameters))
        for i, p in enumerate(control.items)
        if p.match
    )


def amended(
    control: Control, parameters: Mapping[str, Parameter], item: str | None, match: str
) -> tuple[Labelled, ...]:
    """The expression set of `control` with a proposed `match` in force.

    With `item`, only that paragraph's match is replaced (as a discussion amendment does); without
    it, `match` replaces every paragraph and stands alone, labelled by the control id. Raises
    ExprError (with the column) when `match` does not parse, CuratorError for an unknown paragraph.
    """
    proposed = criteria.parse(match, parameters)
    if item is None:
        return ((control.id, proposed),)
    _require_paragraph(control, item)
    return tuple(
        (p.label, proposed if p.label == item else _parse_stored(control, i, p.match, parameters))
        for i, p in enumerate(control.items)
        if p.match or p.label == item
    )


def paragraph_alone(
    control: Control, parameters: Mapping[str, Parameter], item: str
) -> tuple[Labelled, ...]:
    """One paragraph of the control weighed on its own."""
    index = _require_paragraph(control, item)
    paragraph = control.items[index]
    if not paragraph.match:
        raise CuratorError(f"{control.id} paragraph '{item}' has no match expression to weigh")
    return ((item, _parse_stored(control, index, paragraph.match, parameters)),)


class NothingToWeigh(CuratorError):
    """A control without criteria, weighed with no proposed expression: the interface says how
    to propose one."""


def expressions_for(
    control: Control,
    parameters: Mapping[str, Parameter],
    item: str | None = None,
    match: str | None = None,
) -> tuple[Labelled, ...]:
    """What is weighed: the control's paragraphs, one of them (`item`) alone, or a proposed
    `match` in force; refuses a control with nothing to weigh (NothingToWeigh) rather than
    report every item of concern as a leak."""
    if match is not None:
        return amended(control, parameters, item, match)
    if item is not None:
        return paragraph_alone(control, parameters, item)
    found = criteria_of(control, parameters)
    if not found:
        raise NothingToWeigh(f"{control.id} has no paragraph with a match expression")
    return found


def control_named(controls: Mapping[str, Control], control_id: str) -> Control:
    """The control with this id, or a CuratorError that suggests the closest ids."""
    control = controls.get(control_id)
    if control is not None:
        return control
    close = difflib.get_close_matches(control_id, list(controls), n=3, cutoff=0.5)
    close += [c for c in controls if c.lower() == control_id.lower() and c not in close]
    hint = f" (did you mean {', '.join(sorted(set(close)))}?)" if close else ""
    known = "" if close or not controls else f" (controls: {', '.join(sorted(controls)[:10])})"
    raise CuratorError(f"unknown control '{control_id}'{hint}{known}")


def expression_text(expressions: Sequence[Labelled]) -> str:
    """The whole expression as one line: paragraphs joined by `or`, compound ones parenthesised."""
    if len(expressions) == 1:
        return str(expressions[0][1])
    return " or ".join(f"({e})" if isinstance(e, All | Any) else str(e) for _, e in expressions)


def _require_paragraph(control: Control, item: str) -> int:
    for i, p in enumerate(control.items):
        if p.label == item:
            return i
    labels = [p.label for p in control.items]
    close = difflib.get_close_matches(item, labels, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    listed = f"; paragraphs: {', '.join(labels)}" if labels else "; it has no paragraphs"
    raise CuratorError(f"{control.id} has no paragraph '{item}'{hint}{listed}")


def _parse_stored(control: Control, index: int, text: str, parameters) -> Expr:
    try:
        return criteria.parse(text, parameters)
    except ExprError as err:
        where = control.file or control.id
        raise CuratorError(
            f"{where}: items[{index}].match: {err.message} (column {err.column}); "
            "run `curator check`"
        ) from None


# ---------------------------------------------------------------- classifying one item


def classify(
    expressions: Sequence[Labelled], params: Mapping[str, float | bool], control_id: str = ""
) -> tuple[Truth, str | None]:
    """Whether the control captures an item with these figures, and which paragraph does.

    True names the first paragraph in file order that is True (`3A090.a.1`); False when every
    paragraph is False; None (unknown) when none is True and at least one cannot be decided.
    """
    result: Truth = False
    for label, expr in expressions:
        value = criteria.evaluate(expr, params)
        if value is True:
            return True, paragraph_name(control_id, label)
        if value is None:
            result = None
    return result, None


def deciding_atoms(expr: Expr, params: Mapping[str, float | bool]) -> tuple[Atom, ...]:
    """The comparisons that settled `expr` for these figures: all of a True `and`, the first
    failing term of a False one, the first True branch of an `or`, the undecided ones of an
    unknown result."""
    value = criteria.evaluate(expr, params)
    if isinstance(expr, Atom):
        return (expr,)
    results = [(term, criteria.evaluate(term, params)) for term in expr.terms]
    if value is None:
        chosen = [t for t, v in results if v is None]
    elif isinstance(expr, All) == bool(value):  # True `and`, False `or`: every term counted
        chosen = [t for t, _ in results]
    else:  # False `and`, True `or`: the first term that settled it
        chosen = [next(t for t, v in results if v is value)]
    return _unique(a for t in chosen for a in deciding_atoms(t, params))


def reason(
    expressions: Sequence[Labelled], params: Mapping[str, float | bool], truth: Truth
) -> str:
    """A short why: `tpp 15,832 ≥ 4,800` for a capture, the failed comparisons for a miss, and
    the missing figures (`no tpp`) for an unknown item."""
    if truth is True:
        expr = next(e for _, e in expressions if criteria.evaluate(e, params) is True)
        return ", ".join(_atom_reason(a, params) for a in deciding_atoms(expr, params))
    wanted = None if truth is None else False
    found = _unique(
        a
        for _, e in expressions
        if criteria.evaluate(e, params) is wanted
        for a in deciding_atoms(e, params)
    )
    if truth is None:
        return ", ".join(_unique(_missing(a, params) for a in found))
    return ", ".join(_atom_reason(a, params) for a in _nearest(found, params))


def _nearest(failed: Sequence[Atom], params: Mapping[str, float | bool]) -> list[Atom]:
    """One failed comparison per parameter and direction, the bound nearest the item's value:
    a machine with 53 qubits is `qubits 53 < 100`, not also `< 200`, `< 350` … for every band."""
    best: dict[tuple[str, str], Atom] = {}
    for atom in failed:
        key = (atom.param, FAILED[atom.op])
        kept = best.get(key)
        if kept is None or _distance(atom, params) < _distance(kept, params):
            best[key] = atom
    return list(best.values())


def _distance(atom: Atom, params: Mapping[str, float | bool]) -> float:
    if isinstance(atom.value, bool):
        return 0.0
    return abs(float(params[atom.param]) - atom.value)


def _atom_reason(atom: Atom, params: Mapping[str, float | bool]) -> str:
    actual = params[atom.param]
    if isinstance(atom.value, bool) and atom.holds(actual):
        return f"{atom.param} = {figure(actual)}"  # not `datacenter true = true`
    relation = HELD[atom.op] if atom.holds(actual) else FAILED[atom.op]
    return f"{atom.param} {figure(actual)} {relation} {figure(atom.value)}"


def _missing(atom: Atom, params: Mapping[str, float | bool]) -> str:
    if atom.param not in params:
        return f"no {atom.param}"
    return f"{atom.param} is not {'yes/no' if isinstance(atom.value, bool) else 'a number'}"


def figure(value: float | bool) -> str:
    """A value as people read it: 15,832 · 6.04 · true."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,}"


def _unique(values: Iterable) -> tuple:
    return tuple(dict.fromkeys(values))


# ---------------------------------------------------------------- weighing the catalogue


@dataclass(frozen=True)
class Outcome:
    """One catalogue item under one expression set."""

    item: str
    name: str
    truth: Truth
    paragraph: str | None
    reason: str
    of_concern: bool
    mass_market: bool
    foreign: bool  # origin outside the partners: sold abroad without an equivalent control
    in_scope: bool = True  # has a figure for at least one parameter the expression uses

    @property
    def captured(self) -> bool:
        return self.truth is True

    @property
    def unknown(self) -> bool:
        return self.truth is None and self.in_scope

    @property
    def leak(self) -> bool:
        return self.truth is False and self.of_concern

    @property
    def overreach(self) -> bool:
        return self.captured and not self.of_concern

    @property
    def foreign_substitute(self) -> bool:
        return self.captured and self.foreign

    @property
    def label(self) -> str:
        """The outcome in words: leak, overreach (mass market), foreign substitute, …"""
        if not self.in_scope:
            return "outside scope"
        if self.unknown:
            return "unknown"
        if self.leak:
            return "leak"
        if not self.captured:
            return "not captured"
        words = []
        if self.overreach:
            words.append("overreach (mass market)" if self.mass_market else "overreach")
        if self.foreign_substitute:
            words.append("foreign substitute")
        return ", ".join(words) or "captured"

    @property
    def rank(self) -> int:
        """Order for a table: the failures first, then captures, then the rest."""
        if self.leak:
            return 0
        if self.overreach:
            return 1
        if self.foreign_substitute:
            return 2
        if self.captured:
            return 3
        if self.unknown:
            return 4
        return 5 if self.in_scope else 6


@dataclass(frozen=True)
class Weighing:
    control: str
    expression: str
    outcomes: tuple[Outcome, ...]  # every catalogue item, by id
    captured: tuple[tuple[str, str], ...]  # (item, paragraph)
    leaks: tuple[str, ...]
    overreach: tuple[str, ...]
    mass_market: tuple[str, ...]
    foreign_substitutes: tuple[str, ...]
    unknown: tuple[str, ...]
    verdict: str
    outside: tuple[str, ...] = ()  # items measured on none of the expression's parameters

    @property
    def weighed(self) -> tuple[Outcome, ...]:
        """The outcomes of the items within the expression's scope."""
        return tuple(o for o in self.outcomes if o.in_scope)

    @property
    def empty(self) -> bool:
        """Nothing to weigh against: no catalogue item, or none within scope."""
        return not self.weighed

    def outcome(self, item_id: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.item == item_id), None)

    @property
    def captured_ids(self) -> tuple[str, ...]:
        return tuple(item for item, _ in self.captured)

    def summary(self) -> str:
        """One line of counts, or the reason there are none."""
        if not self.outcomes:
            return "the catalogue is empty: there is nothing to weigh against"
        if self.empty:
            return (
                f"none of the {len(self.outcomes)} catalogue items has a figure for any parameter "
                "this expression uses: there is nothing to weigh against"
            )
        mass = f" ({len(self.mass_market)} mass market)" if self.mass_market else ""
        outside = f" · outside its scope {len(self.outside)}" if self.outside else ""
        return (
            f"captured {len(self.captured)} of {len(self.weighed)} · leaks {len(self.leaks)} · "
            f"overreach {len(self.overreach)}{mass} · "
            f"foreign substitutes {len(self.foreign_substitutes)} · unknown {len(self.unknown)}"
            f"{outside}"
        )

    def verdict_text(self) -> str:
        """The verdict's meaning, with a caveat when some items could not be weighed."""
        meaning = VERDICT_MEANING[self.verdict]
        if self.unknown and not self.empty:
            meaning += f"; {len(self.unknown)} unknown item(s) not weighed: add their figures"
        return meaning

    def as_json(self) -> dict[str, object]:
        return {
            "control": self.control,
            "expression": self.expression,
            "captured": [{"item": i, "paragraph": p} for i, p in self.captured],
            "leaks": list(self.leaks),
            "overreach": list(self.overreach),
            "mass_market": list(self.mass_market),
            "foreign_substitutes": list(self.foreign_substitutes),
            "unknown": list(self.unknown),
            "verdict": self.verdict,
        }


def verdict_of(leaks: bool, overreach: bool, foreign_substitutes: bool) -> str:
    """too-loose: leaks and no overreach; too-tight: overreach or foreign substitutes and no
    leaks; both: leaks and overreach; balanced: none of these."""
    if leaks:
        return BOTH if overreach else TOO_LOOSE
    return TOO_TIGHT if overreach or foreign_substitutes else BALANCED


def verdict(expressions: Sequence[Labelled], table: Columns, partners: Sequence[str]) -> str:
    """`weigh(...).verdict` without the outcomes: every item judged at once over the
    catalogue's columns (a table of 10^4 controls shows a verdict on every row)."""
    exprs = [e for _, e in expressions]
    used = {a.param for e in exprs for a in criteria.atoms(e)}
    if not table.measured_on(used).any():
        return NOTHING_TO_WEIGH
    is_true, is_false = judged(exprs, table)
    concern = table.mark("of concern", lambda i: i.of_concern)
    foreign = table.mark(
        f"foreign to {','.join(partners)}", lambda i: is_foreign(i.origin, partners)
    )
    return verdict_of(
        bool((is_false & concern).any()),
        bool((is_true & ~concern).any()),
        bool((is_true & foreign).any()),
    )


def is_foreign(origin: str, partners: Sequence[str]) -> bool:
    """Sold from outside the partners. An item of unstated origin, or a list that declares no
    partners, gives no basis for the judgement, so neither makes a foreign substitute."""
    return bool(origin and partners) and origin not in partners


def in_scope(expressions: Sequence[Labelled], params: Mapping[str, float | bool]) -> bool:
    """Whether an item is measured on at least one parameter the expressions use.

    A catalogue spans several technologies: a GPU has no qubit count, and calling it *unknown*
    under a quantum control (with the advice to add its figures) would bury the real unknowns.
    """
    return any(a.param in params for _, e in expressions for a in criteria.atoms(e))


def weigh_item(
    expressions: Sequence[Labelled], item: CatalogueItem, partners: Sequence[str], control_id: str
) -> Outcome:
    truth, paragraph = classify(expressions, item.params, control_id)
    return Outcome(
        item=item.id,
        name=item.name,
        truth=truth,
        paragraph=paragraph,
        reason=reason(expressions, item.params, truth),
        of_concern=item.of_concern,
        mass_market=item.mass_market,
        foreign=is_foreign(item.origin, partners),
        in_scope=in_scope(expressions, item.params),
    )


def weigh(
    expressions: Sequence[Labelled],
    catalogue: Mapping[str, CatalogueItem],
    partners: Sequence[str],
    control_id: str,
) -> Weighing:
    """Weigh an expression set against every catalogue item (docs/design.md §3)."""
    outcomes = tuple(
        weigh_item(expressions, catalogue[key], partners, control_id) for key in sorted(catalogue)
    )
    return weighing_of(control_id, expression_text(expressions), outcomes)


def weighing_of(control_id: str, expression: str, outcomes: tuple[Outcome, ...]) -> Weighing:
    def ids(keep) -> tuple[str, ...]:
        return tuple(o.item for o in outcomes if keep(o))

    leaks = ids(lambda o: o.leak)
    overreach = ids(lambda o: o.overreach)
    foreign = ids(lambda o: o.foreign_substitute)
    weighed = any(o.in_scope for o in outcomes)
    verdict = (
        verdict_of(bool(leaks), bool(overreach), bool(foreign)) if weighed else NOTHING_TO_WEIGH
    )
    return Weighing(
        control=control_id,
        expression=expression,
        outcomes=outcomes,
        captured=tuple((o.item, o.paragraph or "") for o in outcomes if o.captured),
        leaks=leaks,
        overreach=overreach,
        mass_market=ids(lambda o: o.overreach and o.mass_market),
        foreign_substitutes=foreign,
        unknown=ids(lambda o: o.unknown),
        verdict=verdict,
        outside=ids(lambda o: not o.in_scope),
    )


# ---------------------------------------------------------------- what if


@dataclass(frozen=True)
class Change:
    """What a proposed expression does compared with the current one, over the same catalogue.

    `released` holds items the current text captures and the proposal demonstrably does not;
    an item the proposal cannot decide (it lacks a figure) shows as unknown, not released."""

    newly_captured: tuple[str, ...]
    released: tuple[str, ...]
    verdict_before: str
    verdict_after: str

    def as_json(self) -> dict[str, object]:
        return {
            "newly_captured": list(self.newly_captured),
            "released": list(self.released),
            "verdict_before": self.verdict_before,
            "verdict_after": self.verdict_after,
        }

    def mark(self, item_id: str) -> str:
        """`newly captured`, `released` or '' for one item."""
        if item_id in self.newly_captured:
            return "newly captured"
        return "released" if item_id in self.released else ""


def what_if(before: Weighing, after: Weighing) -> Change:
    was = {o.item: o for o in before.outcomes}
    newly = tuple(o.item for o in after.outcomes if o.captured and not _captured(was.get(o.item)))
    released = tuple(
        o.item for o in after.outcomes if o.truth is False and _captured(was.get(o.item))
    )
    return Change(newly, released, before.verdict, after.verdict)


def _captured(outcome: Outcome | None) -> bool:
    return outcome is not None and outcome.captured


def outcome_words(outcome: Outcome, change: Change | None = None) -> str:
    """The outcome column of a table, with the what-if mark when there is one."""
    mark = change.mark(outcome.item) if change else ""
    return f"{outcome.label}, {mark}" if mark else outcome.label
