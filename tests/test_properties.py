"""Properties of the file format, the criteria, the diff and weighing, over random data.

- canonical layout (`curator fmt`): a function of the data alone, idempotent, loses no data, and
  keeps every comment a person typed;
- parse → write → parse is the identity for controls and public comments (the model), and for
  the data of every file kind;
- criteria: printing a parsed expression and parsing it again gives the same expression;
- the diff's items newly captured and released agree with weighing each version (brute force
  over the catalogue) and with the exact effect;
- weighing is monotone: lowering any `>=` threshold, anywhere in any expression, never releases
  an item.

Covered elsewhere and not repeated here: the exact scope comparison against brute force over a
grid of all possible items (tests/test_scope.py), sweeps against weighing and a lowered threshold
in three fixed shapes (tests/test_weigh.py), publishing leaks no committee-only marker
(tests/test_publish_properties.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

import tomli
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.core import criteria, records, scope
from curator.core.columns import Columns
from curator.core.criteria import All, Atom
from curator.core.criteria import Any as AnyOf
from curator.core.diff import compare_controls
from curator.core.model import (
    NOTE_KINDS,
    POSITIONS,
    STATUSES,
    VISIBILITIES,
    Adopters,
    Availability,
    CatalogueItem,
    Concern,
    Control,
    Disposition,
    Dissent,
    InForce,
    LicenseException,
    Note,
    Paragraph,
    PublicComment,
)
from curator.core.weigh import Exemption, Setting, verdict, weigh, what_if
from curator.store.formats.read import read
from curator.store.formats.schemas import shape
from curator.store.formats.tomltext import canonical, scan
from curator.store.formats.validate import iso_datetime, json_view
from curator.store.formats.write import canonical_text, render

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- text that breaks writers

TRICKY = (
    '"',
    '""',
    '"""',
    '""""',
    "'",
    "'''",
    "\\",
    "\\\\",
    "\\n",
    "\\u0041",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\x00",
    "\x1b[2J",
    "\x7f",
    "é",
    "中文",
    "😀",
    "\u2028",
    "\ufeff",
    "# not a comment",
    "[table]",
    "[[items]]",
    "key = 1",
    'ends with a quote"',
    "ends with a backslash\\",
    " ",
)
text = st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=12)), max_size=8).map("".join)
# long enough for the multi-line layout as well
prose = st.one_of(text, st.tuples(text, st.integers(2, 12)).map(lambda p: p[0] * p[1] + "x" * 90))


def bounded(strategy: st.SearchStrategy[str], low: int, high: int) -> st.SearchStrategy[str]:
    """Within the schema's length limits (cut, or padded), not filtered: generation stays fast."""
    return strategy.map(lambda s: s[:high].ljust(low, "x"))


slug = st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)
control_id = st.from_regex(r"[0-9][A-E][0-9]{3}(\.[a-z0-9]{1,3}){0,2}", fullmatch=True)
label = st.from_regex(r"[a-z0-9]{1,3}(\.[a-z0-9]{1,3}){0,2}", fullmatch=True)
parameter = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
moment = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2099, 12, 31),
    timezones=st.just(dt.UTC),
).map(lambda t: t.replace(microsecond=0))
REASONS = ("AT1", "CB1", "MT", "NP1", "NS1", "NS2", "RS", "RS1", "SI")


def sorted_unique(strategy: st.SearchStrategy[str], most: int = 4) -> st.SearchStrategy[tuple]:
    return st.sets(strategy, max_size=most).map(lambda s: tuple(sorted(s)))


paragraphs = st.lists(
    st.builds(
        Paragraph,
        label=label,
        text=bounded(prose, 0, 5000),
        match=bounded(text, 0, 200),
        amended_by=bounded(text, 0, 300),
        exceptions=st.lists(
            st.builds(
                LicenseException,
                name=bounded(text, 1, 100),
                when=bounded(text, 1, 200),
                condition=bounded(prose, 0, 500),
            ),
            max_size=2,
        ).map(tuple),
    ),
    max_size=4,
    unique_by=lambda p: p.label,
).map(tuple)

notes = st.lists(
    st.builds(
        Note,
        label=bounded(text, 1, 300),
        kind=st.sampled_from(NOTE_KINDS),
        text=bounded(prose, 1, 2000),
        defines=sorted_unique(parameter),
    ),
    max_size=3,
).map(tuple)
iso = st.from_regex(r"[A-Z]{2}", fullmatch=True)

controls = st.builds(
    Control,
    id=control_id,
    title=bounded(text, 1, 500),
    area=slug,
    status=st.sampled_from(STATUSES),
    visibility=st.sampled_from(VISIBILITIES),
    reasons=sorted_unique(st.sampled_from(REASONS)),
    regime=st.sampled_from(("", "wassenaar", "australia-group", "plurilateral", "unilateral")),
    related=sorted_unique(control_id),
    summary=bounded(prose, 0, 5000),
    rationale=bounded(prose, 0, 5000),
    impact=bounded(prose, 0, 5000),
    sources=st.lists(bounded(text, 1, 1000), max_size=3).map(tuple),
    proposed_by=st.one_of(st.just(""), slug),
    applied_by=sorted_unique(iso),
    in_force=st.one_of(
        st.none(),
        st.builds(
            InForce,
            since=st.dates().map(str),
            citation=st.from_regex(r"[0-9]{2} FR [0-9]{3,5}", fullmatch=True),
        ),
    ),
    comparable_within=st.one_of(st.none(), st.floats(0, 1, allow_nan=False)),
    items=paragraphs,
    notes=notes,
)

dispositions = st.builds(
    Disposition,
    action=st.sampled_from(
        ("adopted", "partially-adopted", "not-adopted", "noted", "out-of-scope")
    ),
    response=bounded(prose, 1, 5000),
    by=slug,
    at=moment.map(iso_datetime),
)

public_comments = st.builds(
    PublicComment,
    docket=st.from_regex(r"[A-Z]{2,6}-[0-9]{4}-[0-9]{4}", fullmatch=True),
    tracking_number=st.from_regex(r"[a-z0-9]{3}-[a-z0-9]{4}-[a-z0-9]{4}", fullmatch=True),
    document_id=bounded(text, 0, 100),
    title=bounded(text, 0, 1000),
    posted=bounded(text, 0, 40),
    received=bounded(text, 0, 40),
    submitter=bounded(text, 0, 500),
    organization=bounded(text, 0, 500),
    body=bounded(prose, 0, 20000),
    attachments=st.lists(bounded(text, 0, 2000), max_size=3).map(tuple),
    withdrawn=st.booleans(),
    controls=sorted_unique(control_id),
    mapping=st.one_of(st.none(), sorted_unique(control_id)),
    disposition=st.one_of(st.none(), dispositions),
)

figures = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
)

items_data = st.fixed_dictionaries(
    {"id": slug, "name": bounded(text, 1, 300)},
    optional={
        "maker": bounded(text, 0, 300),
        "origin": st.from_regex(r"[A-Z]{2}", fullmatch=True),
        "mass_market": st.booleans(),
        "concern": st.fixed_dictionaries(
            {
                "of_concern": st.booleans(),
                "basis": bounded(prose, 1, 2000),
                "sources": st.lists(bounded(text, 1, 1000), min_size=1, max_size=2),
                "assessed_by": slug,
                "assessed_on": st.dates().map(str),
            },
            optional={
                "dissents": st.lists(
                    st.fixed_dictionaries({"member": slug, "basis": bounded(prose, 1, 500)}),
                    max_size=2,
                )
            },
        ),
        "notes": bounded(prose, 0, 5000),
        "sources": st.lists(bounded(text, 1, 1000), max_size=3),
        "params": st.dictionaries(parameter, figures, max_size=5),
    },
)

comments_data = st.fixed_dictionaries(
    {"author": slug, "at": moment},
    optional={
        "position": st.sampled_from(POSITIONS),
        "body": bounded(prose, 0, 20000),
        "amendment": st.fixed_dictionaries({"item": label, "match": bounded(text, 1, 200)}),
        "transition": st.fixed_dictionaries(
            {"from": st.sampled_from(STATUSES), "to": st.sampled_from(STATUSES)}
        ),
    },
)

members = st.lists(
    st.fixed_dictionaries(
        {
            "id": slug,
            "name": bounded(text, 1, 200),
            "role": st.sampled_from(("chair", "member", "observer")),
        },
        optional={"email": st.from_regex(r"[a-z0-9.]{1,10}@[a-z]{1,8}\.org", fullmatch=True)},
    ),
    max_size=4,
    unique_by=lambda m: m["id"],
)

lists_data = st.fixed_dictionaries(
    {"id": slug, "title": bounded(text, 1, 300)},
    optional={
        "version": st.from_regex(r"[0-9]{1,4}(\.[0-9]{1,3}){0,2}", fullmatch=True),
        "description": bounded(prose, 0, 5000),
        "partners": sorted_unique(st.from_regex(r"[A-Z]{2}", fullmatch=True)).map(list),
        "docket": st.fixed_dictionaries(
            {"id": st.from_regex(r"[A-Z]{2,6}-[0-9]{4}-[0-9]{4}", fullmatch=True)},
            optional={"comment_deadline": st.dates(), "agency": bounded(text, 0, 200)},
        ),
        "members": members,
        "areas": st.dictionaries(slug, st.fixed_dictionaries({"title": bounded(text, 1, 200)})),
        "parameters": st.dictionaries(
            parameter,
            st.fixed_dictionaries(
                {"title": bounded(text, 1, 200), "unit": bounded(text, 1, 50)},
                optional={"type": st.sampled_from(("number", "flag"))},
            ),
            max_size=4,
        ),
    },
)

DATA = {
    "list": lists_data,
    "control": controls.map(records.control_to),
    "item": items_data,
    "comment": comments_data,
    "public-comment": public_comments.map(records.public_comment_to),
}
KINDS = st.sampled_from(sorted(DATA))


@st.composite
def kind_and_data(draw) -> tuple[str, dict[str, Any]]:
    kind = draw(KINDS)
    return kind, draw(DATA[kind])


# ---------------------------------------------------------------- canonical layout


@SETTINGS
@given(kind_and_data())
def test_canonical_layout_keeps_the_data_and_is_a_fixed_point(case):
    kind, data = case
    text = canonical(data, shape(kind))
    assert tomli.loads(text) == data
    assert canonical_text(kind, text) == text


@SETTINGS
@given(kind_and_data())
def test_canonical_layout_depends_on_the_data_alone(case):
    kind, data = case
    # another writer's layout of the same data: inline order, one-line strings, no blank lines
    other = tomli_w.dumps(dict(reversed(list(data.items()))), multiline_strings=False)
    assert canonical_text(kind, other) == canonical(data, shape(kind))


SIMPLE_VALUE = re.compile(r'^[A-Za-z0-9_-]+ = (true|false|-?[0-9][0-9.e+_-]*|"[^"\\#]*")$')


@SETTINGS
@given(kind_and_data(), st.data())
def test_fmt_keeps_every_comment_a_person_typed(case, draw):
    kind, data = case
    text = canonical(data, shape(kind))
    lines = text.split("\n")  # TOML's line ends; splitlines() would also split at U+2028
    starts = sorted(set(scan(text).lines.values()))  # where keys and tables begin
    before = draw.draw(st.sets(st.sampled_from(starts), max_size=4)) if starts else set()
    simple = [n for n in starts if SIMPLE_VALUE.match(lines[n - 1])]
    inline = draw.draw(st.sets(st.sampled_from(simple), max_size=3)) if simple else set()
    notes = []
    for number in sorted(before | inline, reverse=True):
        if number in inline:
            notes.append(f"# inline {number}")
            lines[number - 1] += f"  {notes[-1]}"
        if number in before:
            notes.append(f"# before {number}")
            lines.insert(number - 1, notes[-1])
    commented = "\n".join(lines)

    out = canonical_text(kind, commented)
    assert tomli.loads(out) == data
    for note in notes:
        assert note in out
    assert canonical_text(kind, out) == out


# ---------------------------------------------------------------- parse, write, parse

# what a terminal acts on (C0 and C1 controls but tab and line breaks, DEL, line separators,
# bidirectional overrides and isolates): the writer escapes it, and read() refuses a file whose
# text holds it
ACTS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)"
)


def holds_acting(value: Any) -> bool:
    if isinstance(value, str):
        return ACTS.search(value) is not None
    if isinstance(value, dict):
        return any(holds_acting(k) or holds_acting(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(map(holds_acting, value))
    return False


def read_back(kind: str, file: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """The data of a file written from `data` as read() gives it; None when `data` holds a
    character a terminal acts on, which read() refuses (and says so, with nothing else)."""
    got = read(kind, file, render(kind, data).encode("utf-8"))
    if holds_acting(data):
        assert got.data is None
        assert {p.code for p in got.problems} == {"control-character"}
        return None
    assert got.problems == ()  # the strategies draw only data the schemas accept
    return got.data


def control_read_back(control: Control) -> tuple[str, dict | None]:
    """The file a control is written to, and its data as read back from it (see `read_back`)."""
    file = f"controls/{control.id}.toml"
    return file, read_back("control", file, records.control_to(control))


@SETTINGS
@given(controls)
def test_a_control_written_and_read_back_is_the_same_control(control):
    file, data = control_read_back(control)
    if data is not None:
        assert records.control_from(data, file) == replace(control, file=file)


@SETTINGS
@given(controls)
def test_a_controls_outline_read_from_its_data_is_its_records(control):
    file, data = control_read_back(control)
    if data is not None:
        assert records.outline_from(data) == records.control_from(data, file).outline()


@SETTINGS
@given(public_comments)
def test_a_public_comment_written_and_read_back_is_the_same_comment(comment):
    file = f"public-comments/{comment.docket}/{comment.tracking_number}.toml"
    data = read_back("public-comment", file, records.public_comment_to(comment))
    if data is not None:
        assert records.public_comment_from(data, file) == replace(comment, file=file)


@SETTINGS
@given(kind_and_data())
def test_every_kind_of_file_reads_back_the_data_it_was_written_from(case):
    kind, data = case
    got = read_back(kind, f"{kind}.toml", data)
    assert got is None or got == json_view(data)


# ---------------------------------------------------------------- criteria

NUMBERS = ("tpp", "density", "qubits")
OPS = (">=", ">", "<=", "<", "==")
number_atoms = st.builds(
    Atom,
    st.sampled_from(NUMBERS),
    st.sampled_from(OPS),
    st.integers(0, 12).map(lambda n: n * 500.0),
)
flag_atoms = st.builds(Atom, st.just("datacenter"), st.just("=="), st.booleans())
expressions = st.recursive(
    number_atoms | flag_atoms,
    lambda inner: (
        st.builds(All, st.lists(inner, min_size=2, max_size=3).map(tuple))
        | st.builds(AnyOf, st.lists(inner, min_size=2, max_size=3).map(tuple))
    ),
    max_leaves=8,
)


@SETTINGS
@given(expressions)
def test_printing_a_parsed_expression_and_parsing_it_again_changes_nothing(expr):
    once = criteria.parse(str(expr))
    assert criteria.parse(str(once)) == once
    assert str(criteria.parse(str(once))) == str(once)


figures_of_items = st.fixed_dictionaries(
    {},
    optional={
        **{name: st.integers(0, 12).map(lambda n: n * 500.0 - 250 * (n % 2)) for name in NUMBERS},
        "datacenter": st.booleans(),
    },
)
catalogues = st.lists(st.tuples(figures_of_items, st.booleans()), min_size=1, max_size=12).map(
    lambda rows: {
        f"i{n}": CatalogueItem(f"i{n}", f"I{n}", params=params, concern=of_concern(concern))
        for n, (params, concern) in enumerate(rows)
    }
)


def a_control(exprs: list) -> Control:
    items = tuple(Paragraph(f"a.{n}", "x", str(e)) for n, e in enumerate(exprs))
    return Control("3A090", "Chips", "computing", "proposed", items=items)


def captured(exprs: list, catalogue) -> set[str]:
    labelled = tuple((f"a.{n}", criteria.parse(str(e))) for n, e in enumerate(exprs))
    return set(weigh(labelled, catalogue, Setting(), "3A090").captured_ids) if labelled else set()


# ---------------------------------------------------------------- the diff


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(expressions, max_size=2),
    st.lists(expressions, max_size=2),
    catalogues,
)
def test_the_diff_agrees_with_weighing_both_versions(old_exprs, new_exprs, catalogue):
    old, new = a_control(old_exprs), a_control(new_exprs)
    change = compare_controls(old, new, catalogue)
    before, after = captured(old_exprs, catalogue), captured(new_exprs, catalogue)
    assert set(change.newly_captured) == after - before
    assert set(change.released) == before - after
    if change.effect is None:  # the criteria did not change
        return
    if change.newly_captured:
        assert change.effect in (scope.TIGHTENED, scope.MIXED)
    if change.released:
        assert change.effect in (scope.LOOSENED, scope.MIXED)
    if change.effect == scope.EQUIVALENT:
        assert before == after


# ---------------------------------------------------------------- weighing is monotone


def lowered(expr, target: int, by: float, seen: list[int] | None = None):
    """`expr` with its `target`-th `>=` comparison's threshold lowered by `by`."""
    seen = [0] if seen is None else seen
    if isinstance(expr, Atom):
        if expr.op == ">=" and not isinstance(expr.value, bool):
            seen[0] += 1
            if seen[0] - 1 == target:
                return Atom(expr.param, expr.op, expr.value - by)
        return expr
    return type(expr)(tuple(lowered(t, target, by, seen) for t in expr.terms))


def thresholds(expr) -> int:
    return sum(1 for a in criteria.atoms(expr) if a.op == ">=" and not isinstance(a.value, bool))


@SETTINGS
@given(
    st.lists(expressions, min_size=1, max_size=3),
    catalogues,
    st.integers(0, 50),
    st.sampled_from((0.0, 1.0, 250.0, 500.0, 6000.0)),
)
def test_lowering_any_threshold_never_releases_an_item(exprs, catalogue, pick, by):
    counts = [thresholds(e) for e in exprs]
    if not sum(counts):
        exprs = [All((Atom("tpp", ">=", 3000.0), exprs[0])), *exprs[1:]]
        counts[0] += 1
    target = pick % sum(counts)
    paragraph = next(i for i, c in enumerate(counts) if target < sum(counts[: i + 1]))
    changed = list(exprs)
    changed[paragraph] = lowered(exprs[paragraph], target - sum(counts[:paragraph]), by)

    def weighed(found):
        labelled = tuple((f"a.{n}", criteria.parse(str(e))) for n, e in enumerate(found))
        return weigh(labelled, catalogue, Setting(), "X")

    before, after = weighed(exprs), weighed(changed)
    assert what_if(before, after).released == ()
    assert set(before.captured_ids) <= set(after.captured_ids)


# ---------------------------------------------------------------- the verdict at once

origins = st.sampled_from(["", "US", "NL", "CN"])
odd_figures = st.fixed_dictionaries(
    {},
    optional={
        **{
            name: st.one_of(st.integers(0, 12).map(lambda n: n * 500.0), st.booleans())
            for name in NUMBERS
        },
        "datacenter": st.one_of(st.booleans(), st.just(1.0)),
        "unrelated": st.just(3.0),
    },
)
weighed_catalogues = st.lists(
    st.tuples(
        odd_figures,
        st.sampled_from((True, False, None)),
        st.booleans(),
        origins,
        st.booleans(),
        st.booleans(),
    ),
    min_size=1,
    max_size=12,
).map(
    lambda rows: {
        f"i{n}": CatalogueItem(
            f"i{n}",
            f"I{n}",
            origin=origin,
            mass_market=mass,
            params=params,
            concern=of_concern(concern, disputed),
            availability=Availability("shipping", True, "2026-01-01") if shipping else None,
        )
        for n, (params, concern, mass, origin, disputed, shipping) in enumerate(rows)
    }
)


def of_concern(concern: bool | None, disputed: bool = False) -> Concern | None:
    if concern is None:
        return None
    dissents = (Dissent("m", "the opposite view"),) if disputed else ()
    return Concern(concern, "basis", ("source",), "chair", "2026-01-01", dissents)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(expressions, max_size=3),
    weighed_catalogues,
    st.sampled_from([(), ("US",), ("US", "NL")]),
    st.sampled_from([None, 0.1]),
)
def test_the_verdict_at_once_is_the_verdict_of_a_full_weighing(exprs, catalogue, adopters, within):
    labelled = tuple((f"a.{n}", criteria.parse(str(e))) for n, e in enumerate(exprs))
    table = Columns.of(catalogue)
    exception = Exemption("a", "NAC/ACA", criteria.parse("datacenter == false"))
    setting = Setting(Adopters("partners", adopters), (exception,), comparable_within=within)
    expected = weigh(labelled, catalogue, setting, "3A090").verdict
    assert verdict(labelled, table, setting) == expected
