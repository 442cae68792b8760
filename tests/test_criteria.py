"""The criteria language: one reader (never Python's), errors at the column; one evaluator."""

from __future__ import annotations

import math
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.core.columns import Columns
from curator.core.columns import evaluate as evaluate_columns
from curator.core.criteria import (
    All,
    Any,
    Atom,
    Expr,
    ExprError,
    Parameters,
    atoms,
    describe,
    evaluate,
    figure,
    parse,
)
from curator.core.model import CatalogueItem, Parameter
from curator.core.records import manifest_from

PARAMS = {
    "tpp": Parameter("tpp", "Total processing performance", "TPP"),
    "performance_density": Parameter("performance_density", "Performance density", "TPP/mm²"),
    "cnot_error": Parameter("cnot_error", "C-NOT error", "probability"),
    "datacenter": Parameter("datacenter", "Designed for datacenters", "yes/no", "flag"),
}


def test_comparisons_and_or_parentheses():
    expr = parse("tpp >= 4800 or (tpp >= 1600 and performance_density >= 5.92)", PARAMS)
    assert expr == Any(
        (
            Atom("tpp", ">=", 4800),
            All((Atom("tpp", ">=", 1600), Atom("performance_density", ">=", 5.92))),
        )
    )


def test_chained_range_reads_as_two_bounds():
    assert parse("1600 <= tpp < 4800", PARAMS) == All(
        (Atom("tpp", ">=", 1600), Atom("tpp", "<", 4800))
    )


def test_numbers_in_every_form():
    assert parse("cnot_error <= 1e-4", PARAMS) == Atom("cnot_error", "<=", 1e-4)
    assert parse("tpp > 4800.5", PARAMS).value == 4800.5


def test_flags_compare_only_with_true_or_false():
    assert parse("datacenter == true", PARAMS) == Atom("datacenter", "==", True)
    with pytest.raises(ExprError, match="yes/no"):
        parse("datacenter >= 1", PARAMS)
    with pytest.raises(ExprError, match="not a yes/no flag"):
        parse("tpp == true", PARAMS)


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("tps >= 4800", 1, "unknown parameter 'tps' (did you mean 'tpp'?)"),
        ("__import__('os').system('x')", 1, "calls are not allowed"),
        ("tpp.real > 1", 1, "attribute access"),
        ("(lambda: 1)() > 0", 1, "calls are not allowed"),
        ("not tpp > 1", 1, "'not' is not part"),
        ("tpp >= 2 ** 10", 8, "arithmetic is not allowed"),
        ("tpp >= 1e999", 8, "too large"),
        ("tpp >= 4800 and tpp", 17, "alone is not a condition"),
        ("tpp != 3", 8, "only >=, >, <=, < and =="),
        ("tpp >= performance_density", 8, "not with another parameter"),
        ("", 1, "empty"),
    ],
)
def test_refused_with_column(text, column, words):
    with pytest.raises(ExprError) as err:
        parse(text, PARAMS)
    assert words in err.value.message
    assert err.value.column == column


# ---------------------------------------------------------------- suggestions


@pytest.mark.parametrize(
    ("text", "words", "corrected"),
    [
        ("datacenter", "'datacenter' alone is not a condition: write datacenter == true",
         "datacenter == true"),
        ("(datacenter) and tpp >= 1600", "write datacenter == true",
         "(datacenter == true) and tpp >= 1600"),
        ("datacenter >= 1", "'datacenter' is a yes/no flag: write datacenter == true",
         "datacenter == true"),
        ("1 <= datacenter", "write datacenter == true", "datacenter == true"),
        ("datacenter == 0", "write datacenter == false", "datacenter == false"),
        ("datacenter < 1 or tpp >= 4800", "write datacenter == false",
         "datacenter == false or tpp >= 4800"),
        ("datacenter > false", "write datacenter == true", "datacenter == true"),
        ("tpp", "'tpp' alone is not a condition: compare it, e.g. tpp >= 1", "tpp >= 1"),
        ("tps >= 4800", "unknown parameter 'tps' (did you mean 'tpp'?)", "tpp >= 4800"),
        ("1600 <= tps < 4800", "did you mean 'tpp'?", "1600 <= tpp < 4800"),
        ("datacentr >= 1", "unknown parameter 'datacentr' (did you mean datacenter == true?)",
         "datacenter == true"),
        ("datacentr", "did you mean datacenter == true?", "datacenter == true"),
        ("tpp >= 6,000", "numbers take no thousands separators: write 6000, not 6,000",
         "tpp >= 6000"),
        ("tpp < 1,000,000.5", "write 1000000.5, not 1,000,000.5", "tpp < 1000000.5"),
        ("  4,800 <= tpp", "write 4800, not 4,800", "  4800 <= tpp"),
    ],
)  # fmt: skip
def test_a_suggestion_is_what_the_message_says_and_it_parses(text, words, corrected):
    with pytest.raises(ExprError) as err:
        parse(text, PARAMS)
    assert words in err.value.message
    assert err.value.suggestion is not None
    assert err.value.suggestion.applied(text) == corrected
    parse(corrected, PARAMS)


def test_numbers_with_thousands_separators_are_refused_at_the_number():
    with pytest.raises(ExprError) as err:
        parse("tpp >= 4800 and interconnect < 1,200", None)
    assert err.value.column == 32
    assert "tuple" not in err.value.message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("tpp == true", "'tpp' is a number, not a yes/no flag"),
        ("datacenter == 0.5", "write datacenter == true or datacenter == false"),
        ("0 < datacenter <= 1", "write datacenter == true"),  # one of two comparisons
        ("tpx == true", "unknown parameter 'tpx' (did you mean 'tpp'?)"),  # a number, not a flag
        ("zzz >= 1", "unknown parameter 'zzz'"),
        ("true", "'true' alone is not a condition"),
    ],
)
def test_no_suggestion_where_no_single_text_would_do(text, words):
    with pytest.raises(ExprError) as err:
        parse(text, PARAMS)
    assert words in err.value.message
    assert err.value.suggestion is None


RIGHT = st.sampled_from(
    ["tpp >= 4800", "performance_density < 5.92", "datacenter == true", "1600 <= tpp < 4800"]
)
WRONG = st.sampled_from(
    [
        "datacenter", "datacenter >= 1", "1 <= datacenter", "datacenter == 0", "datacenter < 1",
        "datacenter > false", "false < datacenter", "tps >= 4800", "1600 <= tps < 4800",
        "datacentr", "datacentr >= 1", "performance_densty >= 5.92", "tpp", "(tpp)",
        "tpp >= 6,000", "tpp < 1,000,000.5", "4,800 <= tpp",
    ]
)  # fmt: skip


@st.composite
def one_mistake(draw) -> str:
    """A valid expression with one of its comparisons written wrong."""
    parts = draw(st.lists(RIGHT, max_size=4))
    parts.insert(draw(st.integers(0, len(parts))), draw(WRONG))
    text = parts[0]
    for part in parts[1:]:
        word = draw(st.sampled_from(["and", "or"]))
        text = draw(st.sampled_from([f"{text} {word} {part}", f"({text}) {word} {part}"]))
    return text


@settings(max_examples=300, deadline=None)
@given(text=one_mistake())
def test_every_suggestion_fed_back_parses(text):
    with pytest.raises(ExprError) as err:
        parse(text, PARAMS)
    suggestion = err.value.suggestion
    assert suggestion is not None, err.value.message
    assert suggestion.text in err.value.message
    parse(suggestion.applied(text), PARAMS)


def test_length_and_depth_are_bounded():
    with pytest.raises(ExprError, match="longer than"):
        parse(" or ".join(["tpp >= 1"] * 10_000), PARAMS)
    nested = "tpp >= 1"
    for depth in range(60):
        nested = f"tpp >= {depth} {'and' if depth % 2 else 'or'} ({nested})"
    with pytest.raises(ExprError, match="nested deeper"):
        parse(nested, PARAMS)
    with pytest.raises(ExprError, match="parentheses"):
        parse("(" * 300 + "tpp >= 1" + ")" * 300, PARAMS)


def test_three_valued_evaluation():
    expr = parse("tpp >= 4800 or performance_density >= 5.92", PARAMS)
    assert evaluate(expr, {"tpp": 5000}) is True
    assert evaluate(expr, {"tpp": 100}) is None
    assert evaluate(expr, {"tpp": 100, "performance_density": 1}) is False
    both = parse("tpp >= 4800 and performance_density >= 5.92", PARAMS)
    assert evaluate(both, {"tpp": 100}) is False
    assert evaluate(both, {"tpp": 5000}) is None


def test_plain_language():
    expr = parse("tpp >= 4800 or (datacenter == true and cnot_error <= 1e-4)", PARAMS)
    assert describe(expr, PARAMS) == (
        "total processing performance ≥ 4,800 TPP, or (designed for datacenters: yes, "
        "and C-NOT error ≤ 10^-4 probability)"
    )


# ---------------------------------------------------------------- the one reader


def _exact(expr: Expr) -> tuple:
    """Equality that tells True from 1.0 (Atom's own does not)."""
    if isinstance(expr, Atom):
        return (expr.param, expr.op, expr.value, type(expr.value))
    return (type(expr).__name__, tuple(_exact(t) for t in expr.terms))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  tpp>=4800 ", Atom("tpp", ">=", 4800.0)),
        ("false == datacenter or -3 < cnot_error",
         Any((Atom("datacenter", "==", False), Atom("cnot_error", ">", -3.0)))),
        ("(tpp >= 1 and (tpp < 9 or (datacenter == false))) and cnot_error <= +0.01",
         All((Atom("tpp", ">=", 1.0),
              Any((Atom("tpp", "<", 9.0), Atom("datacenter", "==", False))),
              Atom("cnot_error", "<=", 0.01)))),
        ("tpp >= 1 and tpp >= 2 and (tpp >= 3 and tpp >= 4) or tpp == 0",
         Any((All(tuple(Atom("tpp", ">=", float(n)) for n in (1, 2, 3, 4))),
              Atom("tpp", "==", 0.0)))),
        ("1 < tpp < 5 <= cnot_error",
         All((Atom("tpp", ">", 1.0), Atom("tpp", "<", 5.0), Atom("cnot_error", ">=", 5.0)))),
        # every way Python writes a number, which the language has always read
        ("tpp >= 1e4", Atom("tpp", ">=", 10000.0)),
        ("tpp >= 1E-4", Atom("tpp", ">=", 1e-4)),
        ("tpp >= 0x1f", Atom("tpp", ">=", 31.0)),
        ("tpp >= 0b11 or tpp < 0o7", Any((Atom("tpp", ">=", 3.0), Atom("tpp", "<", 7.0)))),
        ("tpp >= 1_000", Atom("tpp", ">=", 1000.0)),
        ("tpp >= 5. and tpp < .5", All((Atom("tpp", ">=", 5.0), Atom("tpp", "<", 0.5)))),
        ("tpp >= 00", Atom("tpp", ">=", 0.0)),
        ("(tpp) >= (5)", Atom("tpp", ">=", 5.0)),
        ("tpp >= -(5)", Atom("tpp", ">=", -5.0)),
        ("tpp\f>= 5", Atom("tpp", ">=", 5.0)),
    ],
)  # fmt: skip
@pytest.mark.parametrize("declared", [PARAMS, None])
def test_what_the_reader_makes_of_each_form(text, expected, declared):
    assert _exact(parse(text, declared)) == _exact(expected)


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("tpp >= 05", 8, "'05' is not a number: leave out the leading zeros"),
        ("tpp >= 4800or tpp < 1", 8, "leave a space between a number and a word"),
        ("tpp >= 1e", 8, "'1e' is not a number"),
        ("tpp >= --5", 8, "a number takes one sign"),
        ("tpp >= True", 8, "'True' is not part of the criteria language: write true"),
        ("tpp >= wattage", 8, "not with another parameter"),
        ("datacenter >= true", 15, "write datacenter == true"),
        ("unknown_thing >= 5", 1, "unknown parameter 'unknown_thing'"),
        ("tpp >= 5 # comment", 10, "'#' is not part of the criteria language"),
        ("tpp >= 5 )", 10, "unexpected ')': expected a comparison, 'and' or 'or'"),
        ("tpp >= 6000 and", 16, "the expression ends where a value is expected"),
        ("tpp >= -", 9, "the expression ends where a value is expected"),
        ("(tpp >= 5", 10, "a parenthesis is not closed"),
        ("or tpp >= 5", 1, "unexpected 'or' where a parameter or number is expected"),
        ("()", 2, "unexpected ')' where a parameter or number is expected"),
        ("tpp >= 5 5", 10, "unexpected '5': expected a comparison, 'and' or 'or'"),
        ("tpp in (1, 2)", 8, "only >=, >, <=, < and == compare values"),
        ("tpp is not 1", 12, "only >=, >, <=, < and == compare values"),
        ("tpp[0] >= 1", 1, "subscripts are not allowed"),
        ("-tpp >= 5", 1, "a comparison needs a parameter name on one side"),
        ("1 < 2", 1, "a comparison needs a parameter name on one side"),
        ("(tpp >= 5) >= 1", 2, "a condition is not a value"),
        ("tpp >= 'x'", 8, "quoted text is not part of the criteria language"),
        ("tpp >= 1j", 8, "complex numbers are not part of the criteria language"),
        ("tpp >= 5 and not datacenter == true", 14, "'not' is not part"),
        ("tpp >= 5 if tpp else 2", 10, "unexpected 'if'"),
        ("tpp\v>= 1", 4, "unexpected '\x0b'"),
        ("-5", 1, "a constant alone is not a condition"),
    ],
)
def test_each_refusal_names_the_column_of_the_mistake(text, column, words):
    with pytest.raises(ExprError) as err:
        parse(text, PARAMS)
    assert words in err.value.message
    assert err.value.column == column


def test_an_equals_sign_alone_is_answered_with_the_comparison():
    with pytest.raises(ExprError) as err:
        parse("tpp = 4800", PARAMS)
    assert err.value.message == "'=' does not compare: write =="
    assert err.value.column == 5
    assert err.value.suggestion is not None
    assert parse(err.value.suggestion.applied("tpp = 4800"), PARAMS) == Atom("tpp", "==", 4800)


def test_parentheses_nest_up_to_200_deep():
    assert parse("(" * 200 + "tpp >= 1" + ")" * 200, PARAMS) == Atom("tpp", ">=", 1)
    with pytest.raises(ExprError) as err:
        parse("(" * 201 + "tpp >= 1" + ")" * 201, PARAMS)
    assert "parentheses are nested deeper than 200" in err.value.message
    assert err.value.column == 201


def mostly(usual: list[str], odd: list[str]) -> st.SearchStrategy[str]:
    """One of `usual` three times in four, else one of `odd`: texts mostly written the plain
    way, with now and then a piece the reader must refuse or read with care."""
    return st.sampled_from([*usual * (3 * len(odd)), *odd * len(usual)])


NAMES = mostly(
    ["tpp", "performance_density", "cnot_error"],
    ["datacenter", "wattage", "match", "_x1", "true", "false", "not", "None", "True", "if"],
)
NUMBERS = mostly(
    ["0", "5", "4800", "5.92", "0.5", "123456789012345678901234567890"],
    ["05", "1e5", "1_000", "0x1f", "00.5", "5.", ".5", "1" * 400, "4800or", "1.2.3", "tpp"],
)
SIGNS = mostly(["", "", "", "-", "+", "- "], ["--", "-+", "~"])
OPS = mostly([">=", ">", "<=", "<", "=="], ["=", "!=", "=>", "<>"])
GAPS = st.sampled_from(["", " ", " ", "  ", "\t"])


@st.composite
def comparison(draw) -> str:
    name, op, gap = draw(NAMES), draw(OPS), draw(GAPS)
    number = draw(SIGNS) + draw(NUMBERS)
    shape = draw(st.sampled_from(["name first", "name first", "number first", "range"]))
    if shape == "name first":
        return f"{name}{gap}{op}{gap}{number}"
    if shape == "number first":
        return f"{number}{gap}{op}{gap}{name}"
    return f"{number}{gap}{op}{gap}{name}{gap}{draw(OPS)}{gap}{draw(SIGNS)}{draw(NUMBERS)}"


def joined(inner):
    word = mostly(["and", "or"], ["&", "and not", "or or"])
    return st.one_of(
        st.tuples(inner, word, inner).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        inner.map(lambda t: f"({t})"),
        inner.map(lambda t: f"( {t} )"),
        inner.map(lambda t: f"{t} and"),
        inner.map(lambda t: f"or ({t}"),
    )


TEXTS = st.recursive(comparison(), joined, max_leaves=6)
GARBAGE = st.text(alphabet="tpd_ax019.eE+-*/()<>=!,'\" \t\f\v#~[]:andornot", max_size=40)


def read_or_refused(text: str, declared) -> Expr | None:
    """What the reader makes of `text`; None when it refuses it, at a column of the text."""
    try:
        return parse(text, declared)
    except ExprError as err:
        assert 1 <= err.column <= len(text) + 1, (text, err.column, err.message)
        if err.suggestion is not None:
            assert 0 <= err.suggestion.start <= err.suggestion.end <= len(text)
        return None


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(TEXTS, GARBAGE), declared=st.sampled_from([PARAMS, None]))
def test_any_text_is_read_or_refused_at_a_column_and_what_is_read_prints_back(text, declared):
    # any other exception fails the test
    found = read_or_refused(text, declared)
    if found is not None:
        assert _exact(parse(str(found), declared)) == _exact(found)


@settings(max_examples=300, deadline=None)
@given(text=TEXTS)
def test_what_is_read_over_no_declarations_is_read_the_same_over_them_or_refused(text):
    # declarations add refusals (names, flags), never another reading
    loose = read_or_refused(text, None)
    strict = read_or_refused(text, PARAMS)
    if strict is not None:
        assert loose is not None and _exact(loose) == _exact(strict)


@pytest.mark.parametrize("number", ["5", "5e0"])  # the quick path, and Python's
def test_more_than_400_comparisons_are_refused(number):
    with pytest.raises(ExprError, match="more than 400 comparisons"):
        parse(" or ".join([f"a>{number}"] * 401))
    assert parse(" or ".join([f"a>{number}"] * 400))


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(TEXTS, one_mistake()))
def test_a_suggestion_always_removes_the_error_it_answers(text):
    try:
        parse(text, PARAMS)
    except ExprError as err:
        if err.suggestion is None:
            return
        fixed = err.suggestion.applied(text)
        try:
            parse(fixed, PARAMS)
        except ExprError as again:  # another mistake of the text may remain; this one is gone
            assert (again.message, again.column) != (err.message, err.column), fixed


# ---------------------------------------------------------------- the list owns what was read


NUMBER = Parameter("tpp", "Total processing performance", "TPP")
FLAG = Parameter("tpp", "Tensor processing present", "yes/no", "flag")


def test_each_list_remembers_what_its_own_declarations_made_of_a_text():
    as_number, as_flag = Parameters({"tpp": NUMBER}), Parameters({"tpp": FLAG})
    assert parse("tpp == true", as_flag) == Atom("tpp", "==", True)
    with pytest.raises(ExprError, match="'tpp' is a number"):
        parse("tpp == true", as_number)
    with pytest.raises(ExprError, match="'tpp' is a number"):  # remembered, refused again
        parse("tpp == true", as_number)
    assert as_flag.read["tpp == true"] == Atom("tpp", "==", True)
    assert isinstance(as_number.read["tpp == true"], ExprError)
    assert list(as_flag.read) == list(as_number.read) == ["tpp == true"]


def test_a_loaded_list_brings_its_own_memo_and_sends_its_parameters_without_it():
    data = {"id": "l", "title": "L", "parameters": {"tpp": {"title": "TPP", "unit": "TPP"}}}
    first, second = manifest_from(data).parameters, manifest_from(data).parameters
    assert isinstance(first, Parameters) and first == second == {
        "tpp": Parameter("tpp", "TPP", "TPP")
    }
    parse("tpp >= 4800", first)
    assert "tpp >= 4800" in first.read and not second.read
    sent = pickle.loads(pickle.dumps(first))
    assert sent == first and isinstance(sent, Parameters) and not sent.read


# ---------------------------------------------------------------- figures


@pytest.mark.parametrize(
    ("value", "for_people", "as_written"),
    [
        (4800.0, "4,800", "4800"),
        (-4800, "-4,800", "-4800"),
        (5.92, "5.92", "5.92"),
        (1234.5, "1,234.5", "1234.5"),
        (0.0062, "0.0062", "0.0062"),
        (1e-4, "10^-4", "0.0001"),
        (2e-5, "2 × 10^-5", "2e-05"),
        (1e26, "10^26", "1e+26"),
        (True, "true", "true"),
    ],
)
def test_one_formatter_for_people_and_for_the_language(value, for_people, as_written):
    assert figure(value) == for_people
    assert figure(value, as_written=True) == as_written


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_threshold_as_written_reads_back_as_the_same_number(value):
    assert parse(f"tpp >= {figure(value, as_written=True)}") == Atom("tpp", ">=", value)


THRESHOLDS = st.one_of(
    st.integers(-10, 10).map(lambda n: n * 600.0),
    st.sampled_from([5.92, 0.5, 1e-4, 2.5e-5, 3e20, 123456789.125]),
)
GENERATED = st.recursive(
    st.builds(Atom, st.sampled_from(["tpp", "performance_density", "cnot_error"]),
              st.sampled_from([">=", ">", "<=", "<", "=="]), THRESHOLDS)
    | st.builds(Atom, st.just("datacenter"), st.just("=="), st.booleans()),
    lambda inner: st.builds(All, st.lists(inner, min_size=2, max_size=3).map(tuple))
    | st.builds(Any, st.lists(inner, min_size=2, max_size=3).map(tuple)),
    max_leaves=8,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(GENERATED)
def test_a_generated_expression_prints_reads_back_and_is_described_with_its_figures(expr):
    printed = str(expr)
    again = parse(printed, PARAMS)
    assert str(again) == printed
    assert parse(str(again), PARAMS) == again
    described = describe(again, PARAMS)
    numbers = [a.value for a in atoms(again) if not isinstance(a.value, bool)]
    assert all(figure(n) in described for n in numbers)


# ---------------------------------------------------------------- one evaluator


def by_definition(expr: Expr, params: dict) -> bool | None:
    """Kleene's three values as docs/design.md §2 states them, written out plainly."""
    if isinstance(expr, Atom):
        actual = params.get(expr.param)
        flag = isinstance(expr.value, bool)
        if flag != isinstance(actual, bool) or not isinstance(actual, int | float):
            return None
        return {
            ">=": actual >= expr.value,
            ">": actual > expr.value,
            "<=": actual <= expr.value,
            "<": actual < expr.value,
            "==": actual == expr.value,
        }[expr.op]
    found = [by_definition(t, params) for t in expr.terms]
    decisive = isinstance(expr, Any)  # True decides an `or`, False an `and`
    if decisive in found:
        return decisive
    return None if None in found else not decisive


FIGURES = st.fixed_dictionaries(
    {},
    optional={
        "tpp": st.one_of(st.sampled_from([0.0, 600.0, 1200.0, 5.92, -600.0]), st.booleans()),
        "performance_density": st.sampled_from([0, 5.92, 1e-4, 3e20, math.nan, "n/a"]),
        "cnot_error": st.sampled_from([1e-4, 2.5e-5, 0.5, True]),
        "datacenter": st.one_of(st.booleans(), st.just(1.0)),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(GENERATED, st.lists(FIGURES, min_size=1, max_size=6))
def test_one_item_is_judged_as_a_table_of_one_row_and_as_the_definition_says(expr, rows):
    table = Columns([CatalogueItem(f"i{n}", "I", params=p) for n, p in enumerate(rows)])
    is_true, is_false = evaluate_columns(expr, table)
    for n, params in enumerate(rows):
        one = evaluate(expr, params)
        assert one is by_definition(expr, params)
        assert (bool(is_true[0, n]), bool(is_false[0, n])) == (one is True, one is False)
