"""The bundled list weighs real products the way the real rules do (lists/emerging-tech)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curator.core import criteria
from curator.core.weigh import amended, criteria_of, weigh, what_if
from curator.store.load import load

LIST = Path(__file__).resolve().parents[1] / "lists" / "emerging-tech"
OCT_2022 = "tpp >= 4800 and interconnect >= 600"


@pytest.fixture(scope="module")
def bundled():
    return load(LIST)


def weighing(bundled, control_id: str, item: str | None = None, match: str | None = None):
    control = bundled.controls[control_id]
    found = (
        criteria_of(control, bundled.parameters)
        if match is None
        else amended(control, bundled.parameters, item, match)
    )
    return weigh(found, bundled.catalogue, bundled.partners, control_id)


def test_the_bundled_list_loads_without_problems(bundled):
    assert [p.render() for p in bundled.problems] == []


# ---------------------------------------------------------------- 3A090


@pytest.mark.parametrize(
    "chip",
    [
        "nvidia-a100",
        "nvidia-a800",
        "nvidia-h100-sxm",
        "nvidia-h100-pcie",
        "nvidia-h800",
        "nvidia-h200",
        "nvidia-l40s",
        "amd-mi250x",
        "amd-mi300x",
        "intel-gaudi-2",
    ],
)
def test_3a090_a1_captures_the_frontier_accelerators(bundled, chip):
    assert dict(weighing(bundled, "3A090").captured)[chip] == "3A090.a.1"


def test_l4_is_captured_only_by_3a090_a2(bundled):
    control = bundled.controls["3A090"]
    params = bundled.catalogue["nvidia-l4"].params
    true = [
        label
        for label, expr in criteria_of(control, bundled.parameters)
        if criteria.evaluate(expr, params) is True
    ]
    assert true == ["a.2"]


@pytest.mark.parametrize(
    "chip", ["nvidia-h20", "nvidia-l20", "nvidia-l2", "nvidia-rtx-4090d", "nvidia-rtx-4080"]
)
def test_3a090_does_not_capture_the_chips_designed_below_it(bundled, chip):
    outcome = weighing(bundled, "3A090").outcome(chip)
    assert outcome.truth is False


def test_rtx_4090_is_mass_market_overreach(bundled):
    result = weighing(bundled, "3A090")
    assert "nvidia-rtx-4090" in result.overreach
    assert "nvidia-rtx-4090" in result.mass_market


def test_ascend_910b_is_a_foreign_substitute(bundled):
    assert "huawei-ascend-910b" in weighing(bundled, "3A090").foreign_substitutes


def test_oct_2022_what_if_makes_a800_and_h800_leaks(bundled):
    after = weighing(bundled, "3A090", match=OCT_2022)
    change = what_if(weighing(bundled, "3A090"), after)
    assert {"nvidia-a800", "nvidia-h800"} <= set(after.leaks)
    assert {"nvidia-a800", "nvidia-h800"} <= set(change.released)


def test_oct_2022_what_if_keeps_a100_and_h100_captured(bundled):
    captured = set(weighing(bundled, "3A090", match=OCT_2022).captured_ids)
    assert {"nvidia-a100", "nvidia-h100-sxm", "nvidia-h100-pcie"} <= captured


def test_quantum_machines_are_outside_the_scope_of_3a090(bundled):
    result = weighing(bundled, "3A090")
    assert "ibm-heron-r3" in result.outside
    assert "ibm-heron-r3" not in result.unknown


# ---------------------------------------------------------------- 4A906


def test_4a906_a7_captures_atom_computing_at_exactly_its_error_bound(bundled):
    # 1,180 qubits with a C-NOT error of 6e-3: on the ≤ 6e-3 bound of the 1,100–<2,000 band
    assert dict(weighing(bundled, "4A906").captured) == {"atom-computing": "4A906.a.7"}


@pytest.mark.parametrize(
    ("machine", "why"),
    [
        ("ibm-heron-r3", "cnot_error 0.0013 > 0.001"),  # 156 qubits: misses a.2's 1e-3
        ("quantinuum-helios", "cnot_error 0.00079 > 0.0001"),  # 98 qubits: misses a.1's 1e-4
        ("quantinuum-h2-56q", "cnot_error 0.001 > 0.0001"),
        ("quantinuum-h1-1", "qubits 20 < 34"),  # below the 34-qubit floor
        ("dwave-advantage", "gate_based false ≠ true"),  # annealers are excluded by Note 1
    ],
)
def test_4a906_releases_machines_outside_its_bands(bundled, machine, why):
    outcome = weighing(bundled, "4A906").outcome(machine)
    assert outcome.truth is False
    assert why in outcome.reason


def test_4a906_cannot_weigh_ibm_condor_without_a_published_error(bundled):
    result = weighing(bundled, "4A906")
    assert "ibm-condor" in result.unknown
    assert "no cnot_error" in result.outcome("ibm-condor").reason


def test_tightening_4a906_a7_releases_atom_computing(bundled):
    band = "gate_based == true and 1100 <= qubits < 2000 and cnot_error <= 5e-3"
    change = what_if(weighing(bundled, "4A906"), weighing(bundled, "4A906", "a.7", band))
    assert change.released == ("atom-computing",)


def test_loosening_4a906_a2_captures_the_heron_r2_and_r3(bundled):
    band = "gate_based == true and 100 <= qubits < 200 and cnot_error <= 2e-3"
    change = what_if(weighing(bundled, "4A906"), weighing(bundled, "4A906", "a.2", band))
    assert change.newly_captured == ("ibm-heron-r2", "ibm-heron-r3")  # 1.8e-3 and 1.3e-3


def test_weigh_cli_on_the_bundled_list(curator):
    run = curator("weigh", "3A090", "--list", str(LIST), "--format", "json")
    assert run.code == 0, run.err
    assert "huawei-ascend-910b" in json.loads(run.out)["foreign_substitutes"]
