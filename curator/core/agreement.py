"""Whether a paragraph's text and its criteria state the same thresholds (docs/design.md §2).

A paragraph's text is operative: a published rule whose text says "4800 or more" while its
criteria say `tpp >= 6000` contradicts itself. The numbers the text states are read under
a few plain rules — 4,800 is 4800; 10^-4, 2 × 10^-3 and 1e26 are powers of ten; references to entries
and paragraphs (3A001.a.2, Note 2) and temperature conversions in degrees Celsius are not
thresholds — and compared with the constants the criteria use:

- a number the text states is accounted for when the criteria use it, or when it is a
  measurement condition named in the title of a parameter the criteria use ("Cooling power at
  or below 0.1 K");
- a constant the criteria use is accounted for when the text states it, or when the text cites
  another entry's paragraph (4A090.a: "the limits in 3A090.a") whose text states it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache

from curator.core import criteria
from curator.core.criteria import Expr, figure
from curator.core.model import Control, Parameter

# an entry or a paragraph of one: 3A090, 3A090.a, 3A001.a.2
ENTRY = re.compile(r"\b([0-9][A-E][0-9]{3})((?:\.[a-z0-9]+)*)\b")
# a cited Note or Technical Note: its number is not a threshold
NOTE = re.compile(r"\b(?:Technical\s+)?Notes?\s+[0-9]+(?:\.[0-9]+)*", re.IGNORECASE)
# a temperature given again in degrees Celsius (or Fahrenheit) beside its kelvin
CONVERSION = re.compile(r"[−-]?[0-9][0-9,]*(?:\.[0-9]+)?\s*°\s*[CF]\b")
MINUS = "−–"  # typeset minus signs read as "-"
POWER = re.compile(
    r"(?:(?<![\w.])([0-9]+(?:\.[0-9]+)?)\s*[×x*]\s*)?\b10\s*\^\s*\(?\s*([-+]?[0-9]+)\s*\)?"
)
# as the criteria write them: 1e26, 6.37e-11
E_NOTATION = re.compile(r"(?<![\w.])([0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+)(?![\w.])")
# a number not run into a word or another number: 4,800 (grouped by threes) or 4800, and its
# decimals; each branch takes a digit before it looks behind, so that a search skips to digits
NUMBER = re.compile(
    r"([0-9](?<![\w.,][0-9])[0-9]{0,2}(?:,[0-9]{3})+|[0-9](?<![\w.,][0-9])[0-9]*)(\.[0-9]+)?(?![\w])"
)
# what each pattern above needs to find anything, searched first: a pattern that opens with a
# look-behind is tried at every character, and most texts have no entry, note, conversion or power
MAYBE_ENTRY = re.compile(r"[0-9][A-E][0-9]")
MAYBE_E_NOTATION = re.compile(r"[0-9][eE][-+]?[0-9]")
MINUS_SIGN = re.compile(f"[{MINUS}]")
AS_MINUS = str.maketrans(dict.fromkeys(MINUS, "-"))


def stated(text: str) -> list[float]:
    """The numbers `text` states as thresholds, in order."""
    # (isascii is known without a scan: most texts have no typeset minus and no degree sign)
    plain = text.isascii()
    if not plain and MINUS_SIGN.search(text) is not None:
        text = text.translate(AS_MINUS)
    if MAYBE_ENTRY.search(text) is not None:
        text = ENTRY.sub(" ", text)
    if "note" in text.lower():
        text = NOTE.sub(" ", text)
    if not plain and "°" in text:
        text = CONVERSION.sub(" ", text)
    found: list[float] = []

    def power(match: re.Match[str]) -> str:
        # read as the number it writes (10^400: inf, where an int power would not fit a float)
        found.append(float(f"{match[1] or 1}e{match[2]}"))
        return " "

    if "^" in text:
        text = POWER.sub(power, text)

    def written(match: re.Match[str]) -> str:
        found.append(float(match[1]))
        return " "

    if MAYBE_E_NOTATION.search(text) is not None:
        text = E_NOTATION.sub(written, text)
    for whole, fraction in NUMBER.findall(text):
        found.append(float(whole.replace(",", "") + (fraction or "")))
    return found


@lru_cache(maxsize=1024)
def _stated_in_title(title: str) -> tuple[float, ...]:
    """`stated` of a parameter's title: a list declares a few dozen, asked about for each of
    its 10^4 paragraphs."""
    return tuple(stated(title))


def cited(text: str) -> list[tuple[str, str]]:
    """The entries' paragraphs `text` cites: (control id, paragraph label or "")."""
    if MAYBE_ENTRY.search(text) is None:
        return []
    return [(m[1], m[2].lstrip(".")) for m in ENTRY.finditer(text)]


def constants(expr: Expr) -> list[float]:
    return [float(a.value) for a in criteria.atoms(expr) if not isinstance(a.value, bool)]


def disagreements(
    text: str,
    expr: Expr,
    parameters: Mapping[str, Parameter],
    cited_text: Callable[[str, str], str] | None = None,
) -> list[str]:
    """How `text` and `expr` disagree, one sentence each (none: they agree). `cited_text`
    gives the text of another entry's paragraph (and its sub-paragraphs) the text cites; without
    it, a text that cites another entry is not held to state the criteria's constants."""
    used = constants(expr)
    in_text = stated(text)
    if set(in_text).issubset(used) and set(used).issubset(in_text):
        return []  # each number is the other side's exactly, as in most paragraphs
    conditions = [
        n
        for name in sorted(criteria.parameters_used(expr))
        if name in parameters
        for n in _stated_in_title(parameters[name].title)
    ]
    citing = cited(text)
    elsewhere = [n for c, label in citing if cited_text for n in stated(cited_text(c, label))]
    found = []
    for number in _unique(in_text):
        if not _among(number, used) and not _among(number, conditions):
            found.append(f"the text states {figure(number)}, which the criteria do not use")
    if citing and cited_text is None:
        return found  # the constants may be the cited entry's: not known here
    for number in _unique(used):
        if not _among(number, in_text) and not _among(number, elsewhere):
            found.append(f"the criteria use {figure(number)}, which the text does not state")
    return found


def paragraph_text(control: Control, label: str) -> str:
    """A paragraph's text with its sub-paragraphs' that carry no criteria of their own: 3A901.b
    states its conditions in b.1 to b.3."""
    chosen = [
        p.text
        for p in control.items
        if p.label == label or (p.label.startswith(f"{label}.") and not p.match)
    ]
    return "\n".join(chosen)


def cited_in(controls: Mapping[str, Control]) -> Callable[[str, str], str]:
    """`cited_text` over these controls: the paragraph and its sub-paragraphs, or the whole
    entry when no paragraph is named."""

    def text(control_id: str, label: str) -> str:
        control = controls.get(control_id)
        if control is None:
            return ""
        return "\n".join(p.text for p in control.items if not label or p.within(label))

    return text


def _among(number: float, numbers: Sequence[float]) -> bool:
    # (the same number, as most are, found without a closeness test against each)
    return number in numbers or any(
        math.isclose(number, n, rel_tol=1e-9, abs_tol=1e-15) for n in numbers
    )


def _unique(numbers: Iterable[float]) -> list[float]:
    out: list[float] = []
    for n in numbers:
        if not _among(n, out):
            out.append(n)
    return out
