"""The JSON Schemas: draft 2020-12, closed, documented, one copy shipped in the package."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from curator.store.formats import validate
from curator.store.formats.schemas import KINDS, schema

ROOT = Path(__file__).resolve().parents[1]


def _objects(node, path="$"):
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield path, node
        for key, value in node.items():
            yield from _objects(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _objects(value, f"{path}[{i}]")


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_draft_2020_12(kind):
    document = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text())
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)


@pytest.mark.parametrize("kind", KINDS)
def test_every_object_is_closed_and_every_property_documented(kind):
    for path, node in _objects(schema(kind)):
        assert "additionalProperties" in node, path
        if isinstance(node["additionalProperties"], bool):
            assert node["additionalProperties"] is False, path
        for name, prop in node.get("properties", {}).items():
            assert prop.get("title") and prop.get("description"), f"{path}.{name}"


def test_package_reads_the_one_copy_in_schemas():
    shipped = ROOT / "curator" / "schemas"
    assert shipped.resolve() == (ROOT / "schemas").resolve()


def test_control_requires_only_id_title_area_status_and_defaults_to_committee():
    control = schema("control")
    assert control["required"] == ["id", "title", "area", "status"]
    assert control["properties"]["visibility"]["default"] == "committee"


def test_reason_codes_are_the_real_ones():
    codes = set(schema("control")["properties"]["reasons"]["items"]["enum"])
    assert {"NS1", "NS2", "MT1", "NP1", "NP2", "CB1", "CB2", "CB3", "RS1", "RS2"} <= codes
    assert {
        "CC1",
        "CC2",
        "CC3",
        "AT1",
        "AT2",
        "FC1",
        "RS",
        "EI",
        "SS",
        "UN",
        "SL",
        "CW",
        "SI",
    } <= codes
    assert "XX" not in codes


@pytest.mark.parametrize(
    "instance",
    [
        {"id": "3A090", "title": "t", "area": "a", "status": "draft"},
        {"id": "3A090", "title": "t", "area": "a", "status": "nope"},
        {"id": "../x", "title": "t", "area": "a", "status": "draft"},
        {
            "id": "3A090",
            "title": "t",
            "area": "a",
            "status": "draft",
            "items": [{"label": "a", "x": 1}],
        },
        {"id": "3A090", "title": 5, "area": "a", "status": "draft", "reasons": ["NS1", "NS1"]},
    ],
)
def test_fast_and_explaining_validators_agree(instance):
    fast = validate.is_valid("control", instance)
    slow = jsonschema.Draft202012Validator(schema("control")).is_valid(instance)
    assert fast == slow
    assert (validate.validate("control", instance) == []) == fast


@pytest.mark.parametrize(
    ("moment", "written"),
    [
        (dt.datetime(2026, 3, 31, 17, 0, tzinfo=dt.UTC), "2026-03-31T17:00:00Z"),
        (dt.datetime(2026, 3, 31, 17, 0, 0, 250000, tzinfo=dt.UTC), "2026-03-31T17:00:00.250000Z"),
        (
            dt.datetime(2026, 3, 31, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
            "2026-03-31T17:00:00-05:00",
        ),
        (dt.datetime(2026, 3, 31, 17, 0), "2026-03-31T17:00:00"),
    ],
)
def test_a_moment_is_written_in_iso_8601_with_utc_as_z(moment, written):
    assert validate.iso_datetime(moment) == written
