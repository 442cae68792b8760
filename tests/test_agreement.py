"""The numbers a paragraph's text states (core.agreement.stated), read the same whatever the text."""

from __future__ import annotations

import math
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from curator.core import agreement, criteria
from curator.core.model import Parameter


def stated_plainly(text: str) -> list[float]:
    """The reading `stated` defines, every pattern applied to every text in turn (the oracle:
    `stated` searches first for what each pattern needs and skips the ones that cannot match)."""
    text = text.translate({ord(c): "-" for c in agreement.MINUS})
    text = agreement.CONVERSION.sub(" ", agreement.NOTE.sub(" ", agreement.ENTRY.sub(" ", text)))
    found: list[float] = []

    def power(match: re.Match[str]) -> str:
        found.append(float(f"{match[1] or 1}e{match[2]}"))
        return " "

    def written(match: re.Match[str]) -> str:
        found.append(float(match[1]))
        return " "

    text = agreement.E_NOTATION.sub(written, agreement.POWER.sub(power, text))
    number = re.compile(r"(?<![\w.,])([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]+)?(?![\w])")
    found += [float(whole.replace(",", "") + fraction) for whole, fraction in number.findall(text)]
    return found


# the pieces the patterns look for, run together in any order with words and odd characters
PIECES = st.sampled_from(
    [
        "4800", "4,800", "12,34", "0.1", "1.", ".5", "6 × 10^-3", "10^(4)", "2x10^ -7", "10 ^ 3",
        "1e26", "6.37E-11", "3e", "3A090", "3A090.a.1", "4E001.b", "Note 2", "technical notes 3.1",
        "NOTES", "−273.05 °C", "–5", "- 40 ° F", "°", "^", "K", "e", "x", "a1", "_9", "A", "Ⅻ",
        " ", ", ", ".", "(", ")", ";", "\n", "or more", "TPP", "İ",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_a_text_states_the_numbers_every_pattern_finds_in_turn(text):
    assert agreement.stated(text) == stated_plainly(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_a_text_cites_every_entry_the_entry_pattern_finds(text):
    expected = [(m[1], m[2].lstrip(".")) for m in agreement.ENTRY.finditer(text)]
    assert agreement.cited(text) == expected


def test_references_notes_and_conversions_are_not_thresholds():
    text = "1,100 or more qubits at 0.1 K (−273.05 °C) under Note 2 to 3A090.a, error ≤ 6 × 10^-3"
    assert agreement.stated(text) == [0.006, 1100.0, 0.1]


def test_a_text_without_digits_states_nothing():
    text = "Technology for the development or production of the items above."
    assert agreement.stated(text) == []


def test_a_power_of_ten_beyond_what_a_number_holds_is_read_without_failing():
    assert agreement.stated("at most 10^400 cycles, at least 2 × 10^-400 s") == [math.inf, 0.0]


# ---------------------------------------------------------------- text against criteria

PARAMETERS = {
    "tpp": Parameter("tpp", "Total processing performance", "TOPS·bits"),
    "cooling": Parameter("cooling", "Cooling power at or below 0.1 K", "µW"),
    "datacenter": Parameter("datacenter", "Designed for data centers", "", type="flag"),
}
CITED = {("3A090", "a"): "4800 or more, or 1600 or more and 5.92"}


def disagreements_plainly(text: str, expr: criteria.Expr, cite: bool) -> list[str]:
    """The comparison `disagreements` defines, every number against the other side's (the
    oracle: `disagreements` takes a paragraph whose numbers are each the other side's exactly,
    as most are, as agreeing without going further)."""
    in_text = agreement.stated(text)
    used = [float(a.value) for a in criteria.atoms(expr) if not isinstance(a.value, bool)]
    names = sorted({a.param for a in criteria.atoms(expr)})
    conditions = [n for name in names for n in agreement.stated(PARAMETERS[name].title)]
    citing = agreement.cited(text)
    elsewhere = [n for c, label in citing if cite for n in agreement.stated(CITED[c, label])]

    def among(number: float, numbers: list[float]) -> bool:
        return any(math.isclose(number, n, rel_tol=1e-9, abs_tol=1e-15) for n in numbers)

    def unique(numbers: list[float]) -> list[float]:
        return [n for i, n in enumerate(numbers) if not among(n, numbers[:i])]

    found = [
        f"the text states {criteria.figure(n)}, which the criteria do not use"
        for n in unique(in_text)
        if not among(n, used + conditions)
    ]
    if citing and not cite:
        return found
    return found + [
        f"the criteria use {criteria.figure(n)}, which the text does not state"
        for n in unique(used)
        if not among(n, in_text + elsewhere)
    ]


NUMBERS = ["4800", "4,800", "6000", "0.1", "1600", "5.92", "6 × 10^-3", "1e26", "3A090.a"]
COMPARISONS = [
    "tpp >= 4800", "tpp >= 6000", "tpp >= 4800.000000001", "cooling <= 0.1", "tpp < 1e26",
    "cooling < 6e-3", "tpp >= 5.92", "datacenter == true",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(NUMBERS), max_size=4).map(" or ".join),
    st.lists(st.sampled_from(COMPARISONS), min_size=1, max_size=3).map(" and ".join),
    st.booleans(),
)
def test_a_text_and_its_criteria_disagree_on_every_number_one_side_lacks(text, match, cite):
    expr = criteria.parse(match)
    cited_text = (lambda c, label: CITED[c, label]) if cite else None
    found = agreement.disagreements(text, expr, PARAMETERS, cited_text)
    assert found == disagreements_plainly(text, expr, cite)


def test_a_text_stating_each_number_its_criteria_use_agrees():
    expr = criteria.parse("1600 <= tpp < 4800 and datacenter == true")
    assert agreement.disagreements("1,600 or more but less than 4800", expr, PARAMETERS) == []
