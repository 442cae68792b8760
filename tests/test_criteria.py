"""The criteria language: parsed under an allow-list, never evaluated as Python; errors at the column."""

from __future__ import annotations

import pytest

from curator.core.criteria import All, Any, Atom, ExprError, describe, evaluate, parse
from curator.core.model import Parameter

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
