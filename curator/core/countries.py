"""Jurisdictions as ISO 3166-1 alpha-2 codes (the iso3166 package's table), with a suggestion
for a code that is not one."""

from __future__ import annotations

from functools import cache

import iso3166

# codes ISO 3166 reserves for these uses, which people write for the country's own
RESERVED = {"UK": "GB", "EL": "GR"}
EU = "EU"  # the European Union: a member of the Australia Group, and an applier of controls


@cache
def names() -> dict[str, str]:
    """Every alpha-2 code and its country's name."""
    return {code: country.name for code, country in iso3166.countries_by_alpha2.items()}


def problem(code: str, union: bool = False) -> str | None:
    """Why `code` is not an ISO 3166 alpha-2 code (None when it is); `union`: EU is allowed."""
    if code in names() or (union and code == EU):
        return None
    if code in RESERVED:
        real = RESERVED[code]
        return f"'{code}' is not an ISO 3166 alpha-2 code (did you mean {real}, {names()[real]}?)"
    hint = ", ".join(f"{c} ({names()[c]})" for c in _near(code))
    return f"'{code}' is not an ISO 3166 alpha-2 code" + (
        f" (did you mean {hint}?)" if hint else ""
    )


def _near(code: str) -> list[str]:
    """Up to three codes one letter away: the second letter changed first (the likelier slip),
    the nearest letters first."""
    if len(code) != 2:
        return []

    def distance(other: str) -> tuple[int, int]:
        at = 0 if other[0] != code[0] else 1
        return (1 - at, abs(ord(other[at]) - ord(code[at])))

    one_off = [c for c in names() if sum(a != b for a, b in zip(c, code, strict=True)) == 1]
    return sorted(one_off, key=distance)[:3]
