"""Identifier rules (docs/design.md §2), checked before any id becomes part of a path."""

from __future__ import annotations

import re

CONTROL_ID = re.compile(r"^[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*$")
SLUG_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
PARAMETER_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
LABEL = re.compile(r"^[a-z0-9]+(\.[a-z0-9]+)*$")
TRACKING_NUMBER = re.compile(r"^[a-z0-9]{3}-[a-z0-9]{4}-[a-z0-9]{4}$")
DOCKET_ID = re.compile(r"^[A-Z]{2,10}(-[A-Z0-9]{1,10})*-[0-9]{4}-[0-9]{4}$")

CATEGORIES = {
    "0": "Nuclear materials, facilities and equipment, and miscellaneous",
    "1": "Materials, chemicals, microorganisms and toxins",
    "2": "Materials processing",
    "3": "Electronics",
    "4": "Computers",
    "5": "Telecommunications and information security",
    "6": "Sensors and lasers",
    "7": "Navigation and avionics",
    "8": "Marine",
    "9": "Aerospace and propulsion",
}
PRODUCT_GROUPS = {
    "A": "Systems, equipment and components",
    "B": "Test, inspection and production equipment",
    "C": "Materials",
    "D": "Software",
    "E": "Technology",
}


def is_control_id(value: str) -> bool:
    return bool(CONTROL_ID.match(value))


def is_slug(value: str) -> bool:
    return bool(SLUG_ID.match(value))


def category_of(control_id: str) -> str:
    """The CCL category, derived from the id and never stored twice."""
    return CATEGORIES[control_id[0]]


def product_group_of(control_id: str) -> str:
    return PRODUCT_GROUPS[control_id[1]]
