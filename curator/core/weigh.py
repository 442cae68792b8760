"""Weighing a control against the catalogue (docs/design.md §3): what it captures, what leaks
out, what it overreaches, which captures a license exception relieves, which items of concern it
captures abroad, and which captures foreign availability undermines.

Pure: the caller passes the parsed expressions, the catalogue and the control's setting (who
applies it, its exceptions, its area's capability of concern). A control is an ordered set of
paragraphs, each `(label, expression)`; an item is captured when any paragraph is True under
Kleene three-valued logic, and *unknown* when none is True but some cannot be decided because
the item lacks a figure. An item measured on none of the expression's parameters (a GPU under a
quantum control) is outside its scope: counted, never reported as unknown or a leak. Whether an
item is of concern is the committee's judgement, recorded per item apart from any control's
text; the outcomes are defined once, in `judge`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from curator.core import criteria
from curator.core.columns import AS_WRITTEN, Columns, Kleene, Swept, any_of, evaluate
from curator.core.criteria import All, Any, Atom, Expr, ExprError, Truth, figure
from curator.core.model import (
    Adopters,
    AreaConcern,
    CatalogueItem,
    Comment,
    Control,
    Dissent,
    Manifest,
    Parameter,
    Reach,
    adopters_of,
    of_kinds,
)
from curator.core.problems import Broken, CuratorError, NotFound, close_to

Labelled = tuple[str, Expr]  # (paragraph label, its parsed `match`)

TOO_LOOSE = "too-loose"
TOO_TIGHT = "too-tight"
BOTH = "both"
BALANCED = "balanced"
UNDECIDED = "undecided"  # items in scope, but none decided: every one lacks a figure
NOTHING_TO_WEIGH = "nothing-to-weigh"  # no catalogue item in scope: no verdict can be given
VERDICTS = (TOO_LOOSE, TOO_TIGHT, BOTH, BALANCED, UNDECIDED)

VERDICT_MEANING = {
    TOO_LOOSE: "lets items of concern out",
    TOO_TIGHT: (
        "captures items not of concern with no exception available, or items whose comparable "
        "foreign supply undermines it"
    ),
    BOTH: "lets items of concern out, and captures items it should not or cannot deny",
    BALANCED: (
        "no item of concern leaks; every other capture has an exception available; no capture "
        "is undermined by foreign availability"
    ),
    UNDECIDED: "no item in scope has the figures this control's criteria need",
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


class NothingToWeigh(NotFound):
    """A control without criteria, weighed with no proposed expression (field "match"): the
    interface says how to propose one."""


def expressions_for(
    control: Control,
    parameters: Mapping[str, Parameter],
    item: str | None = None,
    match: str | None = None,
) -> tuple[Labelled, ...]:
    """What `weigh CONTROL [--item LABEL] [--match EXPR]` weighs: the control's paragraphs,
    with `match` in force (in paragraph `item`, or for the whole control). Without `match`,
    `item` names the paragraph a sweep varies, and must carry criteria. Refuses a control with
    nothing to weigh (NothingToWeigh) rather than report every item of concern as a leak."""
    if match is not None:
        return amended(control, parameters, item, match)
    if item is not None:
        index = _require_paragraph(control, item)
        if not control.items[index].match:
            raise NotFound(
                f"{control.id} paragraph '{item}' has no match expression to weigh",
                field="item",
                value=item,
            )
    found = criteria_of(control, parameters)
    if not found:
        raise NothingToWeigh(
            f"{control.id} has no paragraph with a match expression", field="match"
        )
    return found


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
    close = close_to(item, labels, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    listed = f"; paragraphs: {', '.join(labels)}" if labels else "; it has no paragraphs"
    raise NotFound(
        f"{control.id} has no paragraph '{item}'{hint}{listed}",
        field="item",
        value=item,
        suggestions=close,
    )


def _parse_stored(control: Control, index: int, text: str, parameters) -> Expr:
    try:
        return criteria.parse(text, parameters)
    except ExprError as err:
        raise Broken(
            f"items[{index}].match: {err.message} (column {err.column})",
            file=control.file or control.id,
            field=f"items[{index}].match",
            column=err.column,
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


def _unique(values: Iterable) -> tuple:
    return tuple(dict.fromkeys(values))


# ---------------------------------------------------------------- what a control is weighed within


NO_ADOPTERS = Adopters("partners", ())  # no basis for judging an item foreign-made


@dataclass(frozen=True)
class Exemption:
    """A license exception as weighed: declared on `paragraph`, it is available to an item that
    paragraph (or a sub-paragraph of it) captures when `when` holds for the item."""

    paragraph: str
    name: str
    when: Expr

    def covers(self, label: str) -> bool:
        return label == self.paragraph or label.startswith(f"{self.paragraph}.")


@dataclass(frozen=True)
class Setting:
    """What a control is weighed within besides its criteria: who applies it, the license
    exceptions its paragraphs make available, its area's capability of concern (for items with
    no concern record), how near a foreign item must be to count as comparable, and the notes
    that define the terms its criteria use."""

    adopters: Adopters = NO_ADOPTERS
    exceptions: tuple[Exemption, ...] = ()
    area: str = ""
    area_concern: AreaConcern | None = None
    area_criteria: Expr | None = None
    comparable_within: float | None = None
    definitions: tuple[tuple[str, str], ...] = ()  # (parameter, the note that defines it)
    kinds: tuple[str, ...] = ()  # the item kinds weighed; empty: every kind

    def weighs(self, item: CatalogueItem) -> bool:
        """Whether the control is weighed against this item at all (its kind)."""
        return of_kinds(self.kinds, item)

    def exceptions_for(self, label: str) -> tuple[Exemption, ...]:
        return tuple(e for e in self.exceptions if e.covers(label))


def setting_of(control: Control, manifest: Manifest | None) -> Setting:
    """The setting of `control` in the list `manifest` describes. A condition that does not
    parse is a CuratorError naming its place (check reports it with its line)."""
    parameters = manifest.parameters if manifest else {}
    exceptions = tuple(
        Exemption(
            paragraph.label,
            exception.name,
            _parse_at(
                control.file or control.id,
                f"items[{i}].exceptions[{j}].when",
                exception.when,
                parameters,
            ),
        )
        for i, paragraph in enumerate(control.items)
        for j, exception in enumerate(paragraph.exceptions)
    )
    area = manifest.areas.get(control.area) if manifest else None
    concern = area.concern if area else None
    return Setting(
        adopters=adopters_of(control, manifest),
        exceptions=exceptions,
        area=control.area,
        area_concern=concern,
        area_criteria=(
            _parse_at("list.toml", f"areas.{control.area}.concern.match", concern.match, parameters)
            if concern
            else None
        ),
        comparable_within=control.comparable_within,
        definitions=tuple((name, note.label) for note in control.notes for name in note.defines),
        kinds=control.kinds,
    )


def _parse_at(where: str, key: str, text: str, parameters: Mapping[str, Parameter]) -> Expr:
    try:
        return criteria.parse(text, parameters)
    except ExprError as err:
        raise Broken(
            f"{key}: {err.message} (column {err.column})",
            file=where,
            field=key,
            column=err.column,
        ) from None


# ---------------------------------------------------------------- concern


@dataclass(frozen=True)
class Judgement:
    """Whether an item is of concern, and on what basis: its own record, else its area's stated
    capability of concern, else not assessed (`of_concern` None)."""

    of_concern: bool | None
    basis: str = ""
    by: str = ""  # record | area | "" (not assessed)
    assessed: str = ""  # who and when, for a record
    dissents: tuple[Dissent, ...] = ()

    @property
    def disputed(self) -> bool:
        return bool(self.dissents) and self.of_concern is not None

    @property
    def if_dissents_hold(self) -> bool | None:
        return (not self.of_concern) if self.disputed else self.of_concern


RECORD, AREA = "record", "area"


def judgement_of(item: CatalogueItem, setting: Setting) -> Judgement:
    record = item.concern
    if record is not None:
        when = ", ".join(w for w in (record.assessed_by, record.assessed_on) if w)
        return Judgement(record.of_concern, record.basis, RECORD, when, record.dissents)
    if setting.area_criteria is None or setting.area_concern is None:
        return Judgement(None)
    found = criteria.evaluate(setting.area_criteria, item.params)
    why = reason(((setting.area, setting.area_criteria),), item.params, found)
    stated = f"area {setting.area}: {setting.area_concern.basis} ({why})"
    return Judgement(found, stated, AREA)


# ---------------------------------------------------------------- the outcomes (docs/design.md §3)

# An item within a control's scope has exactly one outcome; each is defined here and only here,
# over Kleene columns of shape (thresholds, items), so a weighing (one threshold: the text as
# written) and a sweep (every candidate threshold) cannot disagree.
UNKNOWN = "unknown"  # no paragraph is True and one cannot be decided: a figure is missing
LEAK = "leak"  # not captured, of concern
NOT_CAPTURED = "not-captured"  # not captured, not of concern (or concern not assessed)
EXCEPTION = "exception"  # captured, and a license exception of its paragraph is available
OVERREACH = "overreach"  # captured, not of concern, no exception available
FOREIGN_MADE = "foreign-made"  # captured, of concern, made outside the applying jurisdictions
CAPTURED = "captured"  # captured, of concern (or concern not assessed), made inside them
OUTSIDE = "outside-scope"  # measured on none of the criteria's parameters: not weighed
OUTCOMES = (LEAK, OVERREACH, EXCEPTION, FOREIGN_MADE, CAPTURED, NOT_CAPTURED, UNKNOWN, OUTSIDE)
CAPTURES = (OVERREACH, EXCEPTION, FOREIGN_MADE, CAPTURED)  # the outcomes of a captured item
_CODE = {name: code for code, name in enumerate(OUTCOMES)}


@dataclass(frozen=True)
class Facts:
    """What the outcomes need to know of the items besides their figures, as columns."""

    of_concern: np.ndarray  # the committee's records (or the area's statement)
    not_of_concern: np.ndarray
    of_concern_if_dissents_hold: np.ndarray
    not_of_concern_if_dissents_hold: np.ndarray
    foreign: np.ndarray  # made outside the applying jurisdictions
    supply: np.ndarray  # foreign, shipping and available in quantity, of a kind weighed
    disputed: np.ndarray
    weighed: np.ndarray  # of a kind the control is weighed against


def facts_of(table: Columns, setting: Setting) -> Facts:
    adopters = setting.adopters.jurisdictions
    judged_by = f"concern in {setting.area}" if setting.area_criteria is not None else "concern"
    judgements = table.memo(judged_by, lambda: [judgement_of(i, setting) for i in table.items])
    views = {
        name: np.array([fn(j) for j in judgements], dtype=bool)
        for name, fn in (
            ("yes", lambda j: j.of_concern is True),
            ("no", lambda j: j.of_concern is False),
            ("flip-yes", lambda j: j.if_dissents_hold is True),
            ("flip-no", lambda j: j.if_dissents_hold is False),
            ("disputed", lambda j: j.disputed),
        )
    }
    foreign = table.mark(
        f"made outside {','.join(adopters)}", lambda i: is_foreign(i.origin, adopters)
    )
    available = table.mark(
        "available in quantity",
        lambda i: i.availability is not None and i.availability.available_in_quantity,
    )
    weighed = table.of_kinds(setting.kinds)
    return Facts(
        views["yes"],
        views["no"],
        views["flip-yes"],
        views["flip-no"],
        foreign,
        foreign & available & weighed,
        views["disputed"],
        weighed,
    )


def is_foreign(origin: str, adopters: Sequence[str]) -> bool:
    """Made outside the jurisdictions that apply the control. An item of unstated origin, or a
    control no known jurisdiction applies, gives no basis for the judgement."""
    return bool(origin and adopters) and origin not in adopters


@dataclass(frozen=True)
class Judged:
    """Every item's outcome at every threshold: codes into OUTCOMES, shape (thresholds, items),
    on the committee's records and with every dissent held; and which captures are undermined
    by foreign availability."""

    outcome: np.ndarray
    outcome_if_dissents_hold: np.ndarray
    undermined: np.ndarray
    excepted: np.ndarray

    def count(self, name: str, dissents_hold: bool = False) -> np.ndarray:
        codes = self.outcome_if_dissents_hold if dissents_hold else self.outcome
        return (codes == _CODE[name]).sum(axis=1)

    def captures(self) -> np.ndarray:
        return np.isin(self.outcome, [_CODE[name] for name in CAPTURES]).sum(axis=1)

    def span(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """How many items have this outcome on both views (the least) and on either (the
        most): a count where the committee is divided is a range."""
        on_record = self.outcome == _CODE[name]
        dissent = self.outcome_if_dissents_hold == _CODE[name]
        return (on_record & dissent).sum(axis=1), (on_record | dissent).sum(axis=1)

    def verdicts(self, dissents_hold: bool = False) -> list[str]:
        """Each threshold's verdict; `undecided` where no item in scope is decided (an item
        is undecided for want of a figure, whatever its concern, so both views agree)."""
        leaks = self.count(LEAK, dissents_hold) > 0
        tight = (self.count(OVERREACH, dissents_hold) > 0) | self.undermined.any(axis=1)
        undecidable = np.isin(self.outcome, [_CODE[UNKNOWN], _CODE[OUTSIDE]])
        decided = np.asarray(~undecidable.all(axis=1), dtype=bool)
        return [
            verdict_of(bool(lk), bool(t)) if d else UNDECIDED
            for lk, t, d in zip(leaks, tight, decided, strict=True)
        ]


def judge(
    paragraphs: Sequence[tuple[str, Expr, Kleene]],
    table: Columns,
    setting: Setting,
    facts: Facts,
) -> Judged:
    """The outcomes, from each paragraph's label, criteria and Kleene columns (shape (1 or
    thresholds, items))."""
    rows = max((k[0].shape[0] for _, _, k in paragraphs), default=1)
    shape = (rows, len(table.items))
    captured = np.zeros(shape, dtype=bool)
    released = np.ones(shape, dtype=bool)
    excepted = np.zeros(shape, dtype=bool)
    comparable_supply = np.zeros(shape, dtype=bool)
    for label, expr, (is_true, is_false) in paragraphs:
        captured |= is_true
        released &= is_false
        exemptions = setting.exceptions_for(label)
        if exemptions:
            excepted |= is_true & any_of([evaluate(e.when, table) for e in exemptions])[0]
        # comparable foreign supply: an item this paragraph also captures, or one within the
        # control's tolerance on every figure the paragraph uses
        supplied = (is_true & facts.supply).any(axis=1, keepdims=True)
        near = _near(expr, table, facts.supply, setting.comparable_within)
        comparable_supply |= is_true & (supplied | near)
    outside = ~facts.weighed
    undermined = comparable_supply & ~facts.foreign & ~outside
    unknown = ~captured & ~released

    def outcomes(yes: np.ndarray, no: np.ndarray) -> np.ndarray:
        return np.select(
            [outside, unknown, released & yes, released, excepted, no, facts.foreign & yes],
            [
                _CODE[n]
                for n in (OUTSIDE, UNKNOWN, LEAK, NOT_CAPTURED, EXCEPTION, OVERREACH, FOREIGN_MADE)
            ],
            _CODE[CAPTURED],
        )

    return Judged(
        outcomes(facts.of_concern, facts.not_of_concern),
        outcomes(facts.of_concern_if_dissents_hold, facts.not_of_concern_if_dissents_hold),
        undermined,
        excepted,
    )


def _near(expr: Expr, table: Columns, supply: np.ndarray, within: float | None) -> np.ndarray:
    """For each item, whether some supply item is comparable to it within the tolerance (see
    `_close_to`); shape (1, items). No tolerance: none."""
    near = np.zeros((1, len(table.items)), dtype=bool)
    if within is not None:
        for row in np.flatnonzero(supply):
            near[0] |= _close_to(expr, table, int(row), within)
    return near


def _close_to(expr: Expr, table: Columns, row: int, within: float) -> np.ndarray:
    """For each item, whether the item at `row` is within `within` (a fraction of the item's
    figure) of it on every number `expr` uses, with its yes/no figures equal. Never itself."""
    close = np.ones(len(table.items), dtype=bool)
    for param, flag in sorted({(a.param, isinstance(a.value, bool)) for a in criteria.atoms(expr)}):
        values, known = table.column(param, flag)
        if not known[row]:
            return np.zeros(len(table.items), dtype=bool)
        with np.errstate(invalid="ignore"):
            if flag:
                same = values == values[row]
            else:
                same = np.abs(values - values[row]) <= within * np.abs(values)
        close &= known & same
    close[row] = False
    return close


def verdict_of(leaks: bool, tight: bool) -> str:
    """too-loose: leaks and nothing too tight; too-tight: overreach or a capture undermined by
    foreign availability, and no leaks; both; balanced: none of these."""
    if leaks:
        return BOTH if tight else TOO_LOOSE
    return TOO_TIGHT if tight else BALANCED


def paragraph_columns(
    expressions: Sequence[Labelled], table: Columns, swept: Swept = AS_WRITTEN, only: str = ""
) -> list[tuple[str, Expr, Kleene]]:
    """Each paragraph's Kleene columns; with `only`, the swept constants apply to that
    paragraph alone and the others stand as written."""
    return [
        (label, expr, evaluate(expr, table, swept if not only or label == only else AS_WRITTEN))
        for label, expr in expressions
    ]


def verdict(expressions: Sequence[Labelled], table: Columns, setting: Setting) -> str:
    """`weigh(...).verdict` without the outcomes: every item judged at once over the
    catalogue's columns (a table of 10^4 controls shows a verdict on every row)."""
    used = {a.param for _, e in expressions for a in criteria.atoms(e)}
    facts = facts_of(table, setting)
    if not (table.measured_on(used) & facts.weighed).any():
        return NOTHING_TO_WEIGH
    judged = judge(paragraph_columns(expressions, table), table, setting, facts)
    return judged.verdicts()[0]


# ---------------------------------------------------------------- weighing the catalogue


@dataclass(frozen=True)
class Outcome:
    """One catalogue item under one expression set."""

    item: str
    name: str
    truth: Truth
    paragraph: str | None
    reason: str
    outcome: str  # one of OUTCOMES, on the committee's records
    if_dissents_hold: str  # the outcome should every dissent on this item hold
    concern: Judgement = Judgement(None)
    mass_market: bool = False
    origin: str = ""
    foreign_made: bool = False
    exceptions: tuple[str, ...] = ()  # the license exceptions available to it
    undermined_by: tuple[str, ...] = ()  # comparable foreign items available in quantity
    reach: Reach | None = None

    @property
    def in_scope(self) -> bool:
        return self.outcome != OUTSIDE

    @property
    def captured(self) -> bool:
        return self.truth is True

    @property
    def disputed(self) -> bool:
        return self.in_scope and self.concern.disputed

    @property
    def label(self) -> str:
        """The outcome in words: leak, overreach (mass market), captured — exception available
        (NAC/ACA), captured, foreign-made, …"""
        words = OUTCOME_WORDS[self.outcome]
        if self.outcome == OVERREACH and self.mass_market:
            words = "overreach (mass market)"
        elif self.outcome == EXCEPTION:
            words = f"captured — exception available ({', '.join(self.exceptions)})"
        if self.concern.of_concern is None and self.outcome in (CAPTURED, NOT_CAPTURED):
            words += " (concern not assessed)"
        if self.undermined_by:
            words += f"; undermined by foreign availability ({', '.join(self.undermined_by)})"
        return words

    @property
    def rank(self) -> int:
        """Order for a table: the failures first, then captures, then the rest."""
        if self.undermined_by and self.outcome != OVERREACH:
            return OUTCOMES.index(OVERREACH)
        return OUTCOMES.index(self.outcome)


OUTCOME_WORDS = {  # each outcome as the tables say it
    LEAK: "leak",
    OVERREACH: "overreach",
    EXCEPTION: "captured — exception available",
    FOREIGN_MADE: "captured, foreign-made",
    CAPTURED: "captured",
    NOT_CAPTURED: "not captured",
    UNKNOWN: "unknown",
    OUTSIDE: "outside scope",
}


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


@dataclass(frozen=True)
class Weighing:
    control: str
    expression: str
    outcomes: tuple[Outcome, ...]  # every catalogue item, by id
    verdict: str
    verdict_if_dissents_hold: str
    adopters: Adopters = NO_ADOPTERS
    definitions: tuple[tuple[str, str], ...] = ()

    def ids(self, outcome: str, dissents_hold: bool = False) -> tuple[str, ...]:
        return tuple(
            o.item
            for o in self.outcomes
            if (o.if_dissents_hold if dissents_hold else o.outcome) == outcome
        )

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
    def captured(self) -> tuple[tuple[str, str], ...]:
        """(item, paragraph) of every captured item."""
        return tuple((o.item, o.paragraph or "") for o in self.outcomes if o.captured)

    @property
    def captured_ids(self) -> tuple[str, ...]:
        return tuple(item for item, _ in self.captured)

    @property
    def leaks(self) -> tuple[str, ...]:
        return self.ids(LEAK)

    @property
    def overreach(self) -> tuple[str, ...]:
        return self.ids(OVERREACH)

    @property
    def unknown(self) -> tuple[str, ...]:
        return self.ids(UNKNOWN)

    @property
    def outside(self) -> tuple[str, ...]:
        return self.ids(OUTSIDE)

    @property
    def undermined(self) -> tuple[str, ...]:
        return tuple(o.item for o in self.outcomes if o.undermined_by)

    @property
    def disputed(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.weighed if o.disputed)

    def span(self, outcome: str) -> tuple[int, int]:
        """The fewest and the most items with this outcome, over the record and the dissents."""
        on_record, dissents = set(self.ids(outcome)), set(self.ids(outcome, True))
        return len(on_record & dissents), len(on_record | dissents)

    def summary(self) -> str:
        """One line of counts, or the reason there are none."""
        if not self.outcomes:
            return "the catalogue is empty: there is nothing to weigh against"
        if self.empty:
            return (
                f"none of the {len(self.outcomes)} catalogue items has a figure for any parameter "
                "this expression uses: there is nothing to weigh against"
            )
        overreach = self.span(OVERREACH)
        mass = sum(1 for o in self.weighed if o.outcome == OVERREACH and o.mass_market)
        names = sorted({n for o in self.weighed if o.outcome == EXCEPTION for n in o.exceptions})
        parts = [
            f"captured {len(self.captured)} of {len(self.weighed)}",
            f"leaks {_span(*self.span(LEAK))}",
            f"overreach {_span(*overreach)}" + (f" ({mass} mass market)" if mass else ""),
            f"exception available {len(self.ids(EXCEPTION))}"
            + (f" ({', '.join(names)})" if names else ""),
            f"foreign-made {len(self.ids(FOREIGN_MADE))}",
            f"undermined {len(self.undermined)}",
            f"unknown {len(self.unknown)}",
        ]
        unassessed = sum(1 for o in self.weighed if o.concern.of_concern is None)
        for count, words in (
            (len(self.disputed), "disputed"),
            (unassessed, "concern not assessed"),
            (len(self.outside), "outside its scope"),
        ):
            if count:
                parts.append(f"{words} {count}")
        return " · ".join(parts)

    def verdict_text(self) -> str:
        """The verdict's meaning, with the verdict should the dissents hold when it differs,
        and a caveat when some items could not be weighed; undecided names the figures
        wanted."""
        meaning = VERDICT_MEANING[self.verdict]
        if self.verdict == UNDECIDED:
            return f"{meaning}; add the figures its unknown items lack ({self.wanted()})"
        if self.verdict_if_dissents_hold != self.verdict:
            meaning += f"; {self.verdict_if_dissents_hold} if the dissents hold"
        if self.unknown and not self.empty:
            meaning += f"; {len(self.unknown)} unknown item(s) not weighed: add their figures"
        return meaning

    def wanted(self, shown: int = 3) -> str:
        """The figures the unknown items lack, per item: `sumitomo-srdk-415d: no
        cooling_power_100mk, no cooling_duration` (the first `shown`, then how many more)."""
        unknown = [o for o in self.weighed if o.outcome == UNKNOWN]
        listed = "; ".join(f"{o.item}: {o.reason}" for o in unknown[:shown])
        more = len(unknown) - shown
        return listed + (f"; and {more} more unknown item(s)" if more > 0 else "")

    def as_json(self) -> dict[str, object]:
        """The weighing as docs/weigh-json.md documents it."""

        def counted(outcome: str) -> dict[str, int]:
            low, high = self.span(outcome)
            return {"min": low, "max": high}

        return {
            "control": self.control,
            "expression": self.expression,
            "adopters": {
                "by": self.adopters.by,
                "jurisdictions": list(self.adopters.jurisdictions),
                "as_of": self.adopters.as_of,
            },
            "definitions": [{"parameter": p, "note": n} for p, n in self.definitions],
            "captured": [{"item": i, "paragraph": p} for i, p in self.captured],
            "unknown": list(self.unknown),
            "items": [_outcome_json(o) for o in self.weighed],
            "counts": {
                "weighed": len(self.weighed),
                "captured": len(self.captured),
                "leaks": counted(LEAK),
                "overreach": counted(OVERREACH),
                "exception": len(self.ids(EXCEPTION)),
                "foreign_made": len(self.ids(FOREIGN_MADE)),
                "undermined": len(self.undermined),
                "unknown": len(self.unknown),
                "disputed": len(self.disputed),
                "concern_not_assessed": sum(
                    1 for o in self.weighed if o.concern.of_concern is None
                ),
                "outside_scope": len(self.outside),
            },
            "verdict": self.verdict,
            "verdict_if_dissents_hold": self.verdict_if_dissents_hold,
        }


def _outcome_json(o: Outcome) -> dict[str, object]:
    return {
        "item": o.item,
        "name": o.name,
        "outcome": o.outcome,
        "if_dissents_hold": o.if_dissents_hold,
        "paragraph": o.paragraph,
        "reason": o.reason,
        "exceptions": list(o.exceptions),
        "origin": o.origin,
        "foreign_made": o.foreign_made,
        "undermined_by": list(o.undermined_by),
        "mass_market": o.mass_market,
        "concern": {
            "of_concern": o.concern.of_concern,
            "basis": o.concern.basis,
            "by": o.concern.by,
            "assessed": o.concern.assessed,
            "dissents": [{"member": d.member, "basis": d.basis} for d in o.concern.dissents],
        },
        "reach": (
            None if o.reach is None else {"applies": o.reach.applies, "basis": o.reach.basis}
        ),
    }


def in_scope(expressions: Sequence[Labelled], params: Mapping[str, float | bool]) -> bool:
    """Whether an item is measured on at least one parameter the expressions use.

    A catalogue spans several technologies: a GPU has no qubit count, and calling it *unknown*
    under a quantum control (with the advice to add its figures) would bury the real unknowns.
    """
    return any(a.param in params for _, e in expressions for a in criteria.atoms(e))


def weigh(
    expressions: Sequence[Labelled],
    catalogue: Mapping[str, CatalogueItem],
    setting: Setting,
    control_id: str,
) -> Weighing:
    """Weigh an expression set against every catalogue item (docs/design.md §3)."""
    table = Columns.of(catalogue)
    columns = paragraph_columns(expressions, table)
    facts = facts_of(table, setting)
    judged = judge(columns, table, setting, facts)
    judgements = table.memo(
        f"concern in {setting.area}" if setting.area_criteria is not None else "concern",
        lambda: [judgement_of(i, setting) for i in table.items],
    )
    outcomes = []
    for index, item in enumerate(table.items):
        if not (setting.weighs(item) and in_scope(expressions, item.params)):
            outcomes.append(
                Outcome(item.id, item.name, None, None, "", OUTSIDE, OUTSIDE, origin=item.origin)
            )
            continue
        truth, paragraph = classify(expressions, item.params, control_id)
        outcomes.append(
            Outcome(
                item=item.id,
                name=item.name,
                truth=truth,
                paragraph=paragraph,
                reason=reason(expressions, item.params, truth),
                outcome=OUTCOMES[judged.outcome[0, index]],
                if_dissents_hold=OUTCOMES[judged.outcome_if_dissents_hold[0, index]],
                concern=judgements[index],
                mass_market=item.mass_market,
                origin=item.origin,
                foreign_made=bool(facts.foreign[index]),
                exceptions=_available(expressions, setting, item)
                if judged.excepted[0, index]
                else (),
                undermined_by=(
                    _undermining(columns, index, table, facts, setting.comparable_within)
                    if judged.undermined[0, index]
                    else ()
                ),
                reach=item.reach,
            )
        )
    weighed = any(o.in_scope for o in outcomes)
    return Weighing(
        control=control_id,
        expression=expression_text(expressions),
        outcomes=tuple(outcomes),
        verdict=judged.verdicts()[0] if weighed else NOTHING_TO_WEIGH,
        verdict_if_dissents_hold=judged.verdicts(True)[0] if weighed else NOTHING_TO_WEIGH,
        adopters=setting.adopters,
        definitions=tuple(
            (p, n)
            for p, n in setting.definitions
            if any(a.param == p for _, e in expressions for a in criteria.atoms(e))
        ),
    )


def captured_by(
    control: Control,
    parameters: Mapping[str, Parameter],
    catalogue: Mapping[str, CatalogueItem],
    manifest: Manifest | None,
) -> tuple[tuple[str, str], ...]:
    """The items a control's own text captures in its setting, with the paragraph that captures
    each: what licensing weighs for a destination (core.destinations)."""
    expressions = criteria_of(control, parameters)
    return weigh(expressions, catalogue, setting_of(control, manifest), control.id).captured


def _available(
    expressions: Sequence[Labelled], setting: Setting, item: CatalogueItem
) -> tuple[str, ...]:
    """The names of the exceptions available to an item: those of the paragraphs capturing it
    whose condition holds for it."""
    return _unique(
        e.name
        for label, expr in expressions
        if criteria.evaluate(expr, item.params) is True
        for e in setting.exceptions_for(label)
        if criteria.evaluate(e.when, item.params) is True
    )


def _undermining(
    columns: Sequence[tuple[str, Expr, Kleene]],
    index: int,
    table: Columns,
    facts: Facts,
    within: float | None,
) -> tuple[str, ...]:
    """The foreign supply items comparable to item `index` under a paragraph that captures it:
    captured by that paragraph too, or within the tolerance."""
    found: list[str] = []
    for _label, expr, (is_true, _) in columns:
        if not is_true[0, index]:
            continue
        for row in np.flatnonzero(facts.supply):
            if is_true[0, row] or (
                within is not None and _close_to(expr, table, int(row), within)[index]
            ):
                found.append(table.items[int(row)].id)
    return _unique(found)


# ---------------------------------------------------------------- what if


@dataclass(frozen=True)
class WhatIf:
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


def what_if(before: Weighing, after: Weighing) -> WhatIf:
    was = {o.item: o for o in before.outcomes}
    newly = tuple(o.item for o in after.outcomes if o.captured and not _captured(was.get(o.item)))
    released = tuple(
        o.item for o in after.outcomes if o.truth is False and _captured(was.get(o.item))
    )
    return WhatIf(newly, released, before.verdict, after.verdict)


def _captured(outcome: Outcome | None) -> bool:
    return outcome is not None and outcome.captured


@dataclass(frozen=True)
class AmendmentEffect:
    """What a proposed amendment does against the catalogue, or why it cannot be weighed."""

    change: WhatIf | None
    applied: bool  # the paragraph's criteria already came from this comment
    problem: str = ""


def amendment_effect(
    control: Control,
    comment: Comment,
    manifest: Manifest | None,
    catalogue: Mapping[str, CatalogueItem],
) -> AmendmentEffect | None:
    """The what-if of the comment's amendment against the control as it stands (None: none)."""
    amendment = comment.amendment
    if amendment is None:
        return None
    paragraph = control.paragraph(amendment.item)
    applied = paragraph is not None and paragraph.amended_by == comment.file
    parameters = manifest.parameters if manifest else {}
    try:
        current = criteria_of(control, parameters)
        proposed = amended(control, parameters, amendment.item, amendment.match)
        setting = setting_of(control, manifest)
    except ExprError as err:
        return AmendmentEffect(None, applied, f"does not parse: {err}")
    except CuratorError as err:
        return AmendmentEffect(None, applied, err.message)
    before = weigh(current, catalogue, setting, control.id)
    after = weigh(proposed, catalogue, setting, control.id)
    return AmendmentEffect(what_if(before, after), applied)


def outcome_words(outcome: Outcome, change: WhatIf | None = None) -> str:
    """The outcome column of a table, with the what-if mark when there is one."""
    mark = change.mark(outcome.item) if change else ""
    return f"{outcome.label}, {mark}" if mark else outcome.label
