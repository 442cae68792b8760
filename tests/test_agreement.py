"""The numbers a paragraph's text states (core.agreement.stated), read the same whatever the text."""

from __future__ import annotations

import math
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from curator.core import agreement


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
