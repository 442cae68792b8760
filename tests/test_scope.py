"""Exact scope comparison (docs/design.md §4): tightened, loosened, equivalent or mixed over every
possible item, with example items a reviewer can check by hand."""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from curator.core.criteria import All, Any, Atom, Expr, evaluate, parse
from curator.core.scope import (
    EQUIVALENT,
    LOOSENED,
    MIXED,
    TIGHTENED,
    Comparison,
    Witness,
    compare,
    union,
)

CHIPS_2022 = "tpp >= 4800 and interconnect >= 600"
CHIPS_2023 = "tpp >= 4800 or (datacenter == true and tpp >= 1600 and performance_density >= 5.92)"


def captured(expr: Expr | Sequence[Expr] | None, item: dict) -> bool:
    if expr is None:
        return False
    if isinstance(expr, Atom | All | Any):
        return evaluate(expr, item) is True
    return any(evaluate(e, item) is True for e in expr)


def assert_witnesses_real(old, new, result: Comparison) -> None:
    if result.newly_captured is not None:
        item = dict(result.newly_captured)
        assert captured(new, item) and not captured(old, item), item
    if result.released is not None:
        item = dict(result.released)
        assert captured(old, item) and not captured(new, item), item


# ---------------------------------------------------------------- one behaviour each


def test_lower_threshold_is_tightened_with_a_witness_between_the_thresholds():
    result = compare(parse("tpp >= 4800"), parse("tpp >= 4000"))
    assert result.effect == TIGHTENED
    assert result.released is None
    assert 4000 <= result.newly_captured["tpp"] < 4800


def test_higher_threshold_is_loosened_with_a_released_witness():
    result = compare(parse("tpp >= 4000"), parse("tpp >= 4800"))
    assert result.effect == LOOSENED
    assert result.newly_captured is None
    assert 4000 <= result.released["tpp"] < 4800


def test_chained_range_equals_the_two_bounds_joined_by_and():
    result = compare(parse("1600 <= tpp < 4800"), parse("tpp >= 1600 and tpp < 4800"))
    assert result == Comparison(EQUIVALENT, None, None)


def test_reordered_and_duplicated_terms_are_equivalent():
    old = parse("tpp >= 4800 or (tpp >= 1600 and performance_density >= 5.92)")
    new = parse(
        "(performance_density >= 5.92 and tpp >= 1600 and tpp >= 1600) or tpp >= 4800"
        " or tpp >= 4800"
    )
    assert compare(old, new).effect == EQUIVALENT


def test_rewritten_but_equal_sets_are_equivalent():
    # different atoms, same set: the search must prove it, not just match the structure
    old = parse("tpp >= 10 or (tpp >= 5 and tpp < 10)")
    new = parse("tpp >= 5")
    assert compare(old, new).effect == EQUIVALENT


def test_3a090_2022_to_2023_is_tightened():
    old, new = parse(CHIPS_2022), parse(CHIPS_2023)
    result = compare(old, new)
    assert result.effect == TIGHTENED
    assert result.released is None
    assert_witnesses_real(old, new, result)


def test_adding_a_flag_conjunct_loosens():
    old = parse("tpp >= 4800")
    new = parse("tpp >= 4800 and datacenter == true")
    result = compare(old, new)
    assert result.effect == LOOSENED
    assert result.released["tpp"] >= 4800
    assert result.released.get("datacenter") is not True
    assert_witnesses_real(old, new, result)


def test_mixed_gives_both_witnesses_and_each_is_real():
    old = parse("tpp >= 4800 and interconnect >= 600")
    new = parse("tpp >= 4000 and performance_density >= 5.92")
    result = compare(old, new)
    assert result.effect == MIXED
    assert result.newly_captured is not None and result.released is not None
    assert evaluate(new, result.newly_captured) is True
    assert evaluate(old, result.newly_captured) is not True
    assert evaluate(old, result.released) is True
    assert evaluate(new, result.released) is not True


def test_adding_a_control_tightens():
    result = compare(None, parse("tpp >= 4800"))
    assert result.effect == TIGHTENED
    assert result.newly_captured["tpp"] >= 4800


def test_removing_a_control_loosens():
    result = compare(parse("tpp >= 4800"), None)
    assert result.effect == LOOSENED
    assert result.released["tpp"] >= 4800


def test_nothing_to_nothing_is_equivalent():
    assert compare(None, None) == Comparison(EQUIVALENT, None, None)


def test_strict_bound_releases_the_boundary_point():
    result = compare(parse("tpp >= 4800"), parse("tpp > 4800"))
    assert result.effect == LOOSENED
    assert dict(result.released) == {"tpp": 4800}


def test_inclusive_bound_captures_the_boundary_point():
    result = compare(parse("tpp > 4800"), parse("tpp >= 4800"))
    assert result.effect == TIGHTENED
    assert dict(result.newly_captured) == {"tpp": 4800}


def test_equality_on_a_number_is_a_single_point():
    result = compare(parse("tpp >= 4800 and tpp <= 4800"), parse("tpp == 4800"))
    assert result.effect == EQUIVALENT


def test_missing_parameter_is_not_captured_by_a_tautology_on_it():
    # for every present x, `x >= 0 or x < 0` holds, but an item lacking x is unknown: released
    old = parse("tpp >= 0")
    new = parse("tpp >= 0 and (x >= 0 or x < 0)")
    result = compare(old, new)
    assert result.effect == LOOSENED
    assert "x" not in result.released
    assert result.released.missing == ("x",)
    assert "no x" in result.describe()


def test_other_parameter_captures_items_lacking_the_first():
    old = parse("tpp >= 0 or tpp < 0")
    new = parse("tpp >= 0 or tpp < 0 or x >= 0")
    result = compare(old, new)
    assert result.effect == TIGHTENED
    assert "tpp" not in result.newly_captured and result.newly_captured["x"] >= 0


def test_tautologies_on_different_parameters_are_mixed():
    result = compare(parse("tpp >= 0 or tpp < 0"), parse("x >= 0 or x < 0"))
    assert result.effect == MIXED


def test_paragraphs_count_as_their_union():
    paragraphs = [parse("tpp >= 4800"), parse("tpp >= 1600 and performance_density >= 5.92")]
    assert compare(paragraphs, parse(CHIPS_2023.replace("datacenter == true and ", ""))).effect == (
        EQUIVALENT
    )
    assert compare(paragraphs[:1], paragraphs).effect == TIGHTENED
    assert compare((), paragraphs).effect == TIGHTENED


def test_union_of_paragraphs():
    a, b = parse("tpp >= 4800"), parse("x >= 1 or y >= 2")
    assert union([]) is None
    assert union([a]) == a
    assert union([a, b]) == Any((a, *b.terms))


def test_witness_is_a_mapping_that_evaluate_accepts():
    witness = Witness((("tpp", 4000.0), ("datacenter", True)))
    assert dict(witness) == {"tpp": 4000.0, "datacenter": True}
    assert witness == {"tpp": 4000.0, "datacenter": True}
    assert evaluate(parse("tpp >= 4000 and datacenter == true"), witness) is True
    assert witness.describe() == "tpp=4000, datacenter=true"


def test_describe_sentence_for_mixed():
    result = Comparison(
        MIXED,
        Witness((("tpp", 4000.0), ("performance_density", 6.0))),
        Witness((("tpp", 5000.0), ("interconnect", 500.0))),
    )
    assert result.describe() == (
        "an item with tpp=4000, performance_density=6 is newly captured;"
        " one with tpp=5000, interconnect=500 is released"
    )


def test_describe_sentence_for_loosened_and_equivalent():
    assert compare(parse("tpp >= 4800"), parse("tpp > 4800")).describe() == (
        "an item with tpp=4800 is released"
    )
    assert "same items" in compare(None, None).describe()


def test_representatives_are_readable_numbers_inside_their_cell():
    result = compare(parse("d >= 5.92"), parse("d >= 5.92 or (d > 5 and d < 5.5)"))
    assert result.effect == TIGHTENED
    assert 5 < result.newly_captured["d"] < 5.5
    assert result.newly_captured.describe() == "d=5.2"
    tiny = compare(parse("e <= 1e-4"), parse("e < 2e-4"))
    assert 1e-4 < tiny.newly_captured["e"] < 2e-4


def test_flag_and_number_use_of_one_name_stay_apart():
    # `x == true` and `x == 1` must not merge although True == 1 in Python
    result = compare(Atom("x", "==", True), Atom("x", "==", 1.0))
    assert result.effect == MIXED
    assert result.newly_captured["x"] == 1 and result.newly_captured["x"] is not True
    assert result.released["x"] is True


def test_ten_parameter_expressions_are_fast():
    # cell by cell this is about 7^10 items; splitting with simplification needs a few thousand
    def split(i: int) -> str:
        return f"(p{i} >= {10 * i + 5} or (p{i} >= {10 * i} and p{i} < {10 * i + 5}))"

    old = parse(" and ".join(f"(p{i} >= {10 * i} or p{(i + 1) % 10} < {i})" for i in range(10)))
    new = parse(" and ".join(f"({split(i)} or p{(i + 1) % 10} < {i})" for i in range(10)))
    tighter = parse(f"{old} or p3 >= 100")
    start = time.perf_counter()
    assert compare(old, new).effect == EQUIVALENT
    assert compare(old, tighter).effect == TIGHTENED
    assert compare(tighter, old).effect == LOOSENED
    assert time.perf_counter() - start < 5.0  # generous: well under a second when idle


def test_ten_parameter_conjunctions_with_different_thresholds_are_fast():
    old = parse(" and ".join(f"p{i} >= {10 * i}" for i in range(10)))
    new = parse(" and ".join(f"p{i} >= {10 * i + (1 if i % 2 else -1)}" for i in range(10)))
    start = time.perf_counter()
    result = compare(old, new)
    assert result.effect == MIXED
    assert_witnesses_real(old, new, result)
    assert time.perf_counter() - start < 2.0


# ---------------------------------------------------------------- property: agrees with brute force

NUMBERS = ("a", "b", "c")
CONSTANTS = st.integers(min_value=0, max_value=3).map(float)

number_atoms = st.builds(
    Atom, st.sampled_from(NUMBERS), st.sampled_from((">=", ">", "<=", "<", "==")), CONSTANTS
)
flag_atoms = st.builds(Atom, st.just("f"), st.just("=="), st.booleans())
expressions = st.recursive(
    number_atoms | flag_atoms,
    lambda inner: (
        st.builds(All, st.tuples(inner, inner) | st.tuples(inner, inner, inner))
        | st.builds(Any, st.tuples(inner, inner) | st.tuples(inner, inner, inner))
    ),
    max_leaves=8,
)
criteria = st.none() | expressions | st.lists(expressions, min_size=1, max_size=2)


def _atoms(expr) -> list[Atom]:
    if expr is None:
        return []
    if isinstance(expr, list):
        return [a for e in expr for a in _atoms(e)]
    if isinstance(expr, Atom):
        return [expr]
    return [a for t in expr.terms for a in _atoms(t)]


def grid(old, new) -> list[dict]:
    """Every constant, constants ± 0.5, beyond both ends, and missing, in every combination."""
    used = _atoms(old) + _atoms(new)
    axes: list[list[tuple[str, object]]] = []
    for name in NUMBERS:
        constants = {a.value for a in used if a.param == name}
        if not constants:
            continue
        values = {v + d for v in constants for d in (-0.5, 0, 0.5)}
        values |= {min(constants) - 1, max(constants) + 1}
        axes.append([(name, v) for v in sorted(values)] + [(name, None)])
    if any(a.param == "f" for a in used):
        axes.append([("f", True), ("f", False), ("f", None)])
    return [
        {name: value for name, value in combo if value is not None}
        for combo in itertools.product(*axes)
    ]


@settings(max_examples=200, deadline=None)
@given(criteria, criteria)
def test_agrees_with_brute_force_over_a_grid(old, new):
    result = compare(old, new)
    points = grid(old, new)
    newly = any(captured(new, p) and not captured(old, p) for p in points)
    released = any(captured(old, p) and not captured(new, p) for p in points)
    expected = {
        (True, True): MIXED,
        (True, False): TIGHTENED,
        (False, True): LOOSENED,
        (False, False): EQUIVALENT,
    }[(newly, released)]
    assert result.effect == expected
    assert (result.newly_captured is not None) == newly
    assert (result.released is not None) == released
    assert_witnesses_real(old, new, result)
    # swapping the sides swaps the effect
    swapped = compare(new, old).effect
    assert swapped == {TIGHTENED: LOOSENED, LOOSENED: TIGHTENED}.get(expected, expected)
