"""Generate a large, valid, realistic list in a git repository, for the benchmarks.

    .venv/bin/python benchmarks/generate.py OUT --seed 1
    .venv/bin/python benchmarks/generate.py OUT --shape controls-heavy --seed 1

A shape names the sizes (SHAPES): `default` is a long-running committee's list (10,000 controls,
100,000 comments, 50,000 public comments, 1,000 catalogue items: most files are what was said),
`controls-heavy` the same controls with little said about them (20,000 comments, 1,000 public
comments), where a check's time goes to the definitions. `--controls`, `--comments`,
`--public-comments` and `--items` override the shape's sizes.

OUT becomes a git repository whose root is the list: list.toml with members, areas, parameters
(numbers and yes/no flags) and a docket; ECCN-shaped controls across categories and product
groups, each with 1-6 paragraphs whose criteria use its area's parameters; catalogue items with
measured parameters and sources; discussion comments with positions, some proposing amendments,
and the chair's status changes with their reasons; public comments under the docket, some mapped
by hand and answered. Every file is written through `curator.store.formats.write.render`, so the list is
canonical, and passes `curator check`.

The history is a few hundred commits fed to `git fast-import` (one author per commit: proposers
add their controls, members their comments, the chair status changes, imports and answers), with
the annotated release tags `<id>/v1.0` and `<id>/v2.0`; the last commit after v2.0 changes the
criteria of 100 controls (some by applying a proposed amendment), so `curator diff <id>/v2.0
HEAD` has exactly that many to compare. The same seed gives the same repository, commit ids
included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import math
import random
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from curator.core import lifecycle, records
from curator.core import public as public_rules
from curator.core.model import Disposition, PublicComment
from curator.publish.render import MONTHS
from curator.store.formats.write import render

# the sizes of each shape, by option (--public-comments: public_comments)
SHAPES = {
    "default": {"controls": 10000, "comments": 100000, "public_comments": 50000, "items": 1000},
    "controls-heavy": {
        "controls": 10000,
        "comments": 20000,
        "public_comments": 1000,
        "items": 1000,
    },
}
START = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)
DAYS = 640  # the history spans about 21 months
DOCKET = "BIS-2026-0001"
FINAL_CHANGES = 100  # controls whose criteria change after v2.0


# ---------------------------------------------------------------- the domain


@dataclass(frozen=True)
class Param:
    name: str
    title: str
    unit: str
    low: float = 0.0  # measured values are log-uniform in [low, high]
    high: float = 0.0
    lower_is_more: bool = False  # a smaller value is the more capable item (error rates)
    flag: str = ""  # for a yes/no parameter: how the paragraph text says it
    integer: bool = False

    @property
    def is_flag(self) -> bool:
        return bool(self.flag)


PARAMS = {
    p.name: p
    for p in (
        Param("tpp", "Total processing performance", "TPP", 50, 40000, integer=True),
        Param("performance_density", "Performance density", "TPP/mm²", 0.2, 40),
        Param("interconnect", "Aggregate bidirectional transfer rate", "GB/s", 16, 3600),
        Param("memory_bandwidth", "Total DRAM bandwidth", "GB/s", 50, 12000, integer=True),
        Param(
            "datacenter",
            "Designed or marketed for datacenters",
            "yes/no",
            flag="designed or marketed for use in datacenters",
        ),
        Param("hbm", "High bandwidth memory device", "yes/no", flag="a high bandwidth memory"),
        Param("qubits", "Physical qubits", "qubits", 5, 2000, integer=True),
        Param("cnot_error", "C-NOT error", "probability", 1e-4, 5e-2, lower_is_more=True),
        Param("coherence_time", "Coherence time", "µs", 5, 8000),
        Param(
            "gate_based",
            "Gate-based or measurement-based quantum computer",
            "yes/no",
            flag="a gate-based or measurement-based quantum computer",
        ),
        Param("training_compute", "Training compute", "FLOP", 1e21, 1e27),
        Param("model_weights", "Model weights", "parameters", 1e8, 4e12),
        Param("mach", "Sustained flight speed", "Mach", 2, 25),
        Param("range_km", "Range", "km", 20, 12000, integer=True),
        Param("payload_kg", "Payload", "kg", 0.5, 3000),
        Param("clock_stability", "Frequency stability", "fractional", 1e-16, 1e-10, True),
        Param("position_accuracy", "Position accuracy", "m", 0.005, 25, lower_is_more=True),
        Param("synthesis_length", "Synthesised sequence length", "bases", 40, 50000, integer=True),
        Param("throughput", "Throughput", "samples/h", 10, 1e6),
        Param("laser_power", "Laser power", "W", 50, 20000, integer=True),
        Param("build_volume", "Build volume", "L", 0.5, 4000),
        Param("degrees_of_freedom", "Degrees of freedom", "axes", 3, 60, integer=True),
        Param("channels", "Recording channels", "channels", 4, 20000, integer=True),
        Param(
            "implantable",
            "Implantable",
            "yes/no",
            flag="designed to be implanted in the human body",
        ),
        Param("resolution", "Angular resolution", "µrad", 0.5, 500, lower_is_more=True),
        Param("tensile_strength", "Tensile strength", "GPa", 0.3, 12),
        Param("operating_temperature", "Highest operating temperature", "K", 300, 3300),
        Param(
            "autonomous",
            "Autonomous operation",
            "yes/no",
            flag="capable of autonomous operation without a human in the loop",
        ),
    )
}


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    groups: tuple[str, ...]  # ECCN category + product group, e.g. 3A
    params: tuple[str, ...]
    nouns: tuple[str, ...]  # what its controls control
    kinds: tuple[str, ...]  # catalogue item kinds
    makers: tuple[str, ...]
    weight: float = 1.0  # share of controls and catalogue items


AREAS = (
    Area(
        "advanced-computing",
        "Advanced computing technology",
        ("3A", "4A", "3B", "3D", "3E", "4D", "4E"),
        ("tpp", "performance_density", "interconnect", "memory_bandwidth", "datacenter", "hbm"),
        (
            "Integrated circuits",
            "Computers and servers",
            "Accelerator modules",
            "Graphics processing units",
            "Chiplets and multi-die packages",
            "Memory stacks",
        ),
        ("ai-accelerator", "gpu", "server", "cpu", "hbm-stack"),
        (
            "Helion Semiconductor",
            "Arcturus Compute",
            "Norrland Silicon",
            "Tessera Devices",
            "Kaiyuan Micro",
            "Ostrava Logic",
        ),
        4.0,
    ),
    Area(
        "quantum",
        "Quantum information and sensing technology",
        ("4A", "3A", "4D", "4E", "6A"),
        ("qubits", "cnot_error", "coherence_time", "gate_based"),
        (
            "Quantum computers",
            "Quantum processors",
            "Dilution refrigerators",
            "Parametric amplifiers",
            "Quantum sensors",
        ),
        ("quantum-computer", "cryostat", "amplifier", "sensor"),
        ("Kestrel Quantum", "Qubitworks", "Lindqvist Instruments", "Hanabi Quantum", "Corvid Labs"),
        2.0,
    ),
    Area(
        "artificial-intelligence",
        "Artificial intelligence (AI) and machine learning technology",
        ("4D", "4E", "5D", "5E"),
        ("training_compute", "model_weights", "datacenter"),
        ("Model weights", "Training software", "Inference software", "AI development technology"),
        ("model", "software"),
        ("Meridian AI", "Polaris Labs", "Sable Systems", "Ninefold", "Vireo Research"),
        1.5,
    ),
    Area(
        "hypersonics",
        "Hypersonics",
        ("9A", "9E", "9D", "1C"),
        ("mach", "range_km", "payload_kg", "operating_temperature", "autonomous"),
        (
            "Air vehicles",
            "Scramjet engines",
            "Thermal protection systems",
            "Flight control software",
        ),
        ("vehicle", "engine", "material"),
        ("Aldous Aerospace", "Gryphon Propulsion", "Ruhr Thermal", "Sora Kinetics"),
        1.0,
    ),
    Area(
        "pnt",
        "Position, Navigation, and Timing (PNT) technology",
        ("7A", "7D", "7E", "6A"),
        ("clock_stability", "position_accuracy", "autonomous"),
        ("Atomic clocks", "Inertial navigation systems", "Navigation receivers", "Timing software"),
        ("clock", "ins", "receiver"),
        ("Meridian Timing", "Castellan Navigation", "Oberon Instruments", "Tidewater PNT"),
        0.8,
    ),
    Area(
        "biotechnology",
        "Biotechnology",
        ("1C", "2B", "1E"),
        ("synthesis_length", "throughput", "autonomous"),
        (
            "Nucleic acid synthesizers",
            "Peptide synthesizers",
            "Bioreactors",
            "Genome editing technology",
        ),
        ("synthesizer", "bioreactor", "sequencer"),
        ("Genverra", "Helix Forge", "Ostrander Bio", "Kuroshio Life Systems"),
        0.8,
    ),
    Area(
        "additive-manufacturing",
        "Additive manufacturing",
        ("2B", "2D", "2E", "1C"),
        ("laser_power", "build_volume", "operating_temperature"),
        (
            "Powder bed fusion machines",
            "Directed energy deposition equipment",
            "Build-file software",
        ),
        ("printer", "software"),
        ("Layerwerk", "Fathom Additive", "Brisa Machines", "Tanager Metal"),
        0.7,
    ),
    Area(
        "robotics",
        "Robotics",
        ("2B", "2D", "9A"),
        ("degrees_of_freedom", "payload_kg", "autonomous"),
        ("Robots", "Swarming systems", "Micro-drones", "Robot control software"),
        ("robot", "drone", "software"),
        ("Kinema Robotics", "Ardent Motion", "Fennec Drones", "Volta Automation"),
        0.8,
    ),
    Area(
        "brain-computer-interfaces",
        "Brain-computer interfaces",
        ("2B", "5A", "1A"),
        ("channels", "implantable"),
        ("Neural interfaces", "Electrode arrays", "Decoding software"),
        ("interface", "electrode-array"),
        ("Synapse Works", "Cortica Devices", "Lumen Neuro"),
        0.4,
    ),
    Area(
        "advanced-surveillance",
        "Advanced surveillance technologies",
        ("5A", "6A", "6D", "6E"),
        ("resolution", "range_km", "autonomous"),
        ("Imaging sensors", "Radar systems", "Biometric identification systems"),
        ("camera", "radar", "software"),
        ("Argus Optics", "Basalt Radar", "Spindle Vision", "Ithaca Sensing"),
        0.8,
    ),
    Area(
        "advanced-materials",
        "Advanced materials",
        ("1C", "1A", "1E"),
        ("tensile_strength", "operating_temperature"),
        ("Ceramic matrix composites", "Metamaterials", "Functional textiles"),
        ("material",),
        ("Corundum Advanced Materials", "Weft Labs", "Basaltic Composites"),
        0.5,
    ),
    Area(
        "microprocessors",
        "Microprocessor technology",
        ("3A", "3E", "3D"),
        ("tpp", "memory_bandwidth", "hbm"),
        ("Systems-on-chip", "Stacked memory on chip", "Processor design technology"),
        ("soc", "memory"),
        ("Tessera Devices", "Ostrava Logic", "Pinnacle RISC"),
        0.7,
    ),
    Area(
        "data-analytics",
        "Data analytics technology",
        ("4D", "5D", "4E"),
        ("throughput", "datacenter"),
        ("Automated analysis software", "Context-aware computing technology"),
        ("software",),
        ("Lattice Analytics", "Oriel Data", "Quarry Insight"),
        0.4,
    ),
    Area(
        "logistics",
        "Logistics technology",
        ("0A", "7A", "9A"),
        ("range_km", "payload_kg", "autonomous"),
        ("Mobile electric power systems", "Autonomous ground vehicles", "Asset-visibility systems"),
        ("vehicle", "power-system"),
        ("Drover Logistics", "Halyard Power", "Pathline"),
        0.4,
    ),
)

COUNTRIES = (
    "US",
    "JP",
    "NL",
    "KR",
    "TW",
    "GB",
    "DE",
    "FR",
    "CA",
    "CN",
    "RU",
    "IL",
    "IN",
    "SG",
    "CH",
    "SE",
)
COUNTRY_WEIGHTS = (20, 8, 5, 7, 8, 5, 6, 5, 3, 14, 3, 3, 3, 2, 2, 2)
PARTNERS = ["CA", "DE", "FR", "GB", "JP", "KR", "NL", "TW", "US"]
STATUSES = {  # final status: share of controls
    "draft": 10,
    "proposed": 30,
    "under-review": 18,
    "recommended": 14,
    "published": 12,
    "final": 6,
    "withdrawn": 5,
    "rejected": 5,
}
CHAIR_STATUSES = ("recommended", "published", "final", "rejected")
REASONS = (
    "NS1",
    "NS2",
    "MT1",
    "NP1",
    "CB1",
    "RS1",
    "RS2",
    "AT1",
    "AT2",
    "RS",
    "AT",
    "EI",
    "SS",
    "UN",
    "CC1",
    "FC1",
)
REGIMES = ("wassenaar", "mtcr", "nsg", "australia-group", "unilateral")
# the regimes' members as the generated list declares them (a sample, not the real lists)
REGIME_MEMBERS = {
    "wassenaar": ("Wassenaar Arrangement", ["CA", "DE", "FR", "GB", "JP", "KR", "NL", "US"]),
    "mtcr": ("Missile Technology Control Regime", ["CA", "DE", "FR", "GB", "JP", "US"]),
    "nsg": ("Nuclear Suppliers Group", ["CA", "CN", "DE", "FR", "GB", "JP", "US"]),
    "australia-group": ("Australia Group", ["CA", "DE", "EU", "FR", "GB", "JP", "US"]),
}
POSITIONS = ("support", "too-loose", "too-tight", "oppose", "abstain")
POSITION_WEIGHTS = (35, 20, 25, 10, 10)
ACTIONS = ("adopted", "partially-adopted", "not-adopted", "noted", "out-of-scope")
ACTION_WEIGHTS = (8, 14, 30, 40, 8)

FIRST = (
    "Maria",
    "James",
    "Aiko",
    "Pieter",
    "Ji-woo",
    "Wei",
    "Fatima",
    "Lukas",
    "Sofia",
    "Rahul",
    "Chloe",
    "Tomás",
    "Ingrid",
    "Kwame",
    "Elena",
    "Daniel",
    "Mei",
    "Oliver",
    "Amara",
    "Hiroshi",
    "Noor",
    "Samuel",
    "Leila",
    "Arjun",
)
LAST = (
    "Chen",
    "Okafor",
    "Tanaka",
    "de Vries",
    "Kim",
    "Schmidt",
    "Rossi",
    "Martin",
    "Patel",
    "Nguyen",
    "Johansson",
    "García",
    "Novak",
    "Haddad",
    "Silva",
    "Murphy",
    "Lindqvist",
    "Moreau",
    "Cohen",
    "Yamamoto",
)
ORGANIZATIONS = (
    "Semiconductor Industry Coalition",
    "Association of Quantum Technology Firms",
    "Council on Emerging Technology Trade",
    "University Research Export Office",
    "National Laboratory Consortium",
    "Independent Researchers' Network",
    "Aerospace Industries Forum",
    "Open Model Foundation",
    "Biotech Tools Alliance",
    "Robotics Manufacturers Group",
    "Cloud Providers Working Group",
    "Institute for Security Policy",
    "Small Exporters Council",
)


def areas_weights() -> list[float]:
    return [a.weight for a in AREAS]


# ---------------------------------------------------------------- text


COMMITTEE_SENTENCES = (
    "The threshold of {v} {unit} on {ptitle} captures {maker}'s current parts, which are sold in volume to enterprise customers.",
    "Raising the {ptitle} threshold to {v} {unit} would release the mass-market products without letting the items of concern out.",
    "I support the control as drafted: the catalogue shows no leaks at the current threshold.",
    "Foreign makers already ship comparable items, so a unilateral control mainly costs domestic sales.",
    "{maker} told the working group that its next generation will sit just under the line; we should expect that.",
    "The definition of {ptitle} should follow the existing technical note in Category {cat} rather than a new one.",
    "Industry has asked for a transition period of {n} months before the control takes effect.",
    "The weigh table shows {n} overreach items, most of them {kind} parts sold to universities.",
    "Without the {ptitle} condition, {maker}'s export variant escapes exactly as the earlier variants did.",
    "We should keep the text aligned with the Wassenaar wording so partners can adopt it nationally.",
    "The performance figures in the catalogue for {maker} are vendor claims and have not been measured independently.",
    "A licence exception for notified exports would reduce the burden on small exporters considerably.",
    "The paragraph should say *designed or modified* so that repurposed items are covered as well.",
    "I am not convinced that {ptitle} is the right parameter: it is easy to trade against the others.",
    "The research community uses these systems routinely; a deemed-export burden would fall on graduate students.",
    "Enforcement depends on exporters being able to compute {ptitle} from a datasheet, which they can today.",
    "The balance window in the sweep runs from {v} to {v2} {unit}; the draft sits at its lower end.",
    "Please add the {maker} parts to the catalogue before we vote: they are the obvious test case.",
    "This control overlaps with the existing entry for {kind} equipment, and the two should be read together.",
    "Several partners have already adopted a similar threshold, which limits the foreign-availability concern.",
    "The data on {kind} shipments comes from trade statistics for the last {n} quarters.",
    "An end-use control would target the concern more precisely than a parameter threshold here.",
    "I would rather lower the threshold now and relax it later than chase new variants every quarter.",
    "The impact section underestimates the number of firms captured; the industry survey found {n}.",
    "The amendment keeps the intent of the paragraph while releasing the consumer parts.",
    "This is consistent with what the committee agreed at the last meeting, and I have no further concerns.",
)
PUBLIC_SENTENCES = (
    "We are concerned that the proposed threshold would capture products sold in volume to ordinary businesses.",
    "The agency should consider the availability of comparable items from manufacturers outside partner countries.",
    "Our members export {kind} equipment to research institutions in more than {n} countries.",
    "A control based on {ptitle} alone is easy to design around by trading one parameter against another.",
    "We support the objective of the rule but urge the agency to publish guidance on how to compute {ptitle}.",
    "The compliance cost for small firms would be substantial, as each shipment would need a classification review.",
    "We recommend a licence exception for exports to academic institutions in partner countries.",
    "The proposed text uses undefined terms that will lead to inconsistent classification.",
    "Foreign competitors are not subject to equivalent controls and would take the market within a year.",
    "We request that the comment period be extended by {n} days to allow a complete technical analysis.",
    "The threshold of {v} {unit} is well below the level at which the capability of concern appears.",
    "We agree that the items described present a risk and support the control as proposed.",
    "Please clarify whether software updates that raise {ptitle} are themselves controlled.",
    "The rule should be harmonised with the multilateral regimes rather than imposed unilaterally.",
    "As a researcher, I am worried that collaboration with colleagues abroad would require licences.",
)
LIST_LINES = (
    "- the catalogue entries for {maker}",
    "- a transition period of {n} months",
    "- guidance on computing {ptitle}",
    "- a licence exception for partners",
    "- an end-use condition instead of a parameter",
    "- alignment with the multilateral text",
)


class Text:
    """Pools of filled-in sentences; bodies are drawn from them (fast and deterministic)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.committee = [self._fill(s) for s in COMMITTEE_SENTENCES for _ in range(40)]
        self.public = [self._fill(s) for s in PUBLIC_SENTENCES for _ in range(40)]
        self.bullets = [self._fill(s) for s in LIST_LINES for _ in range(20)]

    def _fill(self, template: str) -> str:
        rng = self.rng
        area = rng.choices(AREAS, areas_weights())[0]
        param = PARAMS[rng.choice([p for p in area.params if not PARAMS[p].is_flag])]
        low, high = sorted((draw_value(rng, param), draw_value(rng, param)))
        return template.format(
            v=number_text(low),
            v2=number_text(high),
            unit=param.unit,
            ptitle=f"'{param.title.lower()}'",
            maker=rng.choice(area.makers),
            cat=area.groups[0][0],
            n=rng.randint(2, 60),
            kind=rng.choice(area.kinds).replace("-", " "),
        )

    def paragraph(self, pool: Sequence[str], low: int = 2, high: int = 5) -> str:
        return " ".join(self.rng.choices(pool, k=self.rng.randint(low, high)))

    def markdown(
        self,
        pool: Sequence[str],
        paragraphs: tuple[int, int],
        extra: str = "",
        sentences: tuple[int, int] = (2, 5),
    ) -> str:
        rng = self.rng
        parts = [self.paragraph(pool, *sentences) for _ in range(rng.randint(*paragraphs))]
        if rng.random() < 0.15:
            parts.insert(rng.randint(0, len(parts)), "\n".join(rng.sample(self.bullets, 3)))
        if extra:
            parts.insert(rng.randint(0, len(parts)), extra)
        return "\n\n".join(parts)


def draw_value(rng: random.Random, param: Param) -> float:
    value = math.exp(rng.uniform(math.log(param.low), math.log(param.high)))
    return round_value(value, param)


def round_value(value: float, param: Param) -> float:
    value = float(value)
    if param.integer and value < 1.5:
        return 1
    digits = 3 - math.floor(math.log10(abs(value)))  # three significant figures
    value = round(value, digits)
    if abs(value) < 1e15 and (param.integer or (value >= 100 and value.is_integer())):
        return round(value)
    return value


def number_text(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if abs(value) >= 1e6 or abs(value) < 1e-3:
        return f"{value:.3g}".replace("e+", "e")
    return f"{value:g}"


# ---------------------------------------------------------------- criteria


OP_WORDS = {
    ">=": "of {v} {u} or more",
    ">": "exceeding {v} {u}",
    "<=": "of {v} {u} or less",
    "<": "below {v} {u}",
}


@dataclass
class Atom:
    param: str
    op: str
    value: float | bool

    def expr(self) -> str:
        if isinstance(self.value, bool):
            return f"{self.param} == {'true' if self.value else 'false'}"
        return f"{self.param} {self.op} {number_text(self.value)}"

    def words(self) -> str:
        p = PARAMS[self.param]
        if isinstance(self.value, bool):
            return p.flag if self.value else f"not {p.flag}"
        return f"a '{p.title.lower()}' " + OP_WORDS[self.op].format(
            v=number_text(self.value), u=p.unit
        )


@dataclass
class Criteria:
    """An expression kept as atoms and a shape, so amendments can move its constants."""

    atoms: list[Atom]
    shape: str  # one | and | or | flag-and | range

    def expr(self) -> str:
        a = [x.expr() for x in self.atoms]
        if self.shape == "one":
            return a[0]
        if self.shape == "range":
            low, high = self.atoms
            return f"{number_text(low.value)} <= {low.param} < {number_text(high.value)}"
        if self.shape == "or":
            return f"{a[0]} or ({' and '.join(a[1:])})" if len(a) > 2 else " or ".join(a)
        return " and ".join(a)

    def words(self) -> str:
        w = [x.words() for x in self.atoms]
        if self.shape == "range":
            return w[0] + " but " + w[1]
        if self.shape == "or":
            return "either " + w[0] + ", or " + " and ".join(w[1:])
        return " and ".join(w)

    def moved(self, rng: random.Random, tighten: bool | None = None) -> Criteria:
        """The same criteria with its numeric constants moved (tightened, loosened or either)."""
        out = []
        for atom in self.atoms:
            if isinstance(atom.value, bool):
                out.append(Atom(atom.param, atom.op, atom.value))
                continue
            p = PARAMS[atom.param]
            lower = atom.op in (">=", ">")  # lowering a >= constant captures more
            direction = tighten if tighten is not None else rng.random() < 0.5
            factor = rng.uniform(0.6, 0.9) if direction == lower else rng.uniform(1.1, 1.6)
            value = round_value(atom.value * factor, p)
            if value == atom.value:
                value = round_value(atom.value * (0.5 if direction == lower else 2), p)
            out.append(Atom(atom.param, atom.op, value))
        if self.shape == "range" and out[0].value >= out[1].value:
            out[1] = Atom(
                out[1].param, out[1].op, round_value(out[0].value * 2, PARAMS[out[0].param])
            )
        return Criteria(out, self.shape)


def numeric_atom(rng: random.Random, param: Param) -> Atom:
    value = draw_value(rng, param)
    if param.lower_is_more:
        return Atom(param.name, rng.choice(("<=", "<", "<=")), value)
    return Atom(param.name, rng.choice((">=", ">=", ">=", ">")), value)


def criteria_for(rng: random.Random, area: Area) -> Criteria:
    numbers = [PARAMS[p] for p in area.params if not PARAMS[p].is_flag]
    flags = [PARAMS[p] for p in area.params if PARAMS[p].is_flag]
    roll = rng.random()
    if roll < 0.4 or len(numbers) < 2:
        shape = "flag-and" if flags and roll < 0.15 else "one"
    else:
        shape = rng.choices(("and", "or", "flag-and", "range"), (30, 20, 25, 15))[0]
        if shape == "flag-and" and not flags:
            shape = "and"
    if shape == "range":
        p = rng.choice([n for n in numbers if not n.lower_is_more] or numbers)
        low, high = sorted((draw_value(rng, p), draw_value(rng, p)))
        if low == high:
            high = round_value(low * 2, p)
        return Criteria([Atom(p.name, ">=", low), Atom(p.name, "<", high)], shape)
    if shape == "one":
        return Criteria([numeric_atom(rng, rng.choice(numbers))], shape)
    if shape == "flag-and":
        atoms = [Atom(rng.choice(flags).name, "==", rng.random() < 0.8)]
        atoms += [
            numeric_atom(rng, p) for p in rng.sample(numbers, min(len(numbers), rng.randint(1, 2)))
        ]
        return Criteria(atoms, "and")
    count = 2 if shape == "and" else min(3, len(numbers))
    return Criteria([numeric_atom(rng, p) for p in rng.sample(numbers, count)], shape)


# ---------------------------------------------------------------- the list, as plans


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    role: str

    @property
    def email(self) -> str:
        return f"{self.id}@example.org"


@dataclass
class Paragraph:
    label: str
    text: str  # the text of a paragraph without criteria; otherwise it says what they say
    criteria: Criteria | None
    amended_by: str = ""
    noun: str = ""

    @property
    def wording(self) -> str:
        if self.criteria is None:
            return self.text
        return f"{self.noun} having {self.criteria.words()};"


@dataclass
class ControlPlan:
    id: str
    area: Area
    title: str
    status: str  # the status it ends with
    visibility: str  # once the chair has decided on it (before: committee only)
    reasons: list[str]
    regime: str
    related: list[str]
    summary: str
    rationale: str
    impact: str
    sources: list[str]
    proposed_by: str
    paragraphs: list[Paragraph]
    heat: float = 1.0  # how much it is discussed, relative to the others

    def data(self, status: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "area": self.area.id,
            "status": status,
            # making a control public is the chair's, done with the chair's status changes
            "visibility": self.visibility if status in CHAIR_STATUSES else "committee",
            "reasons": self.reasons,
            "regime": self.regime,
            "summary": self.summary,
            "rationale": self.rationale,
            "impact": self.impact,
            "sources": self.sources,
            "proposed_by": self.proposed_by,
        }
        if self.related:
            out["related"] = self.related
        items = []
        for p in self.paragraphs:
            item: dict[str, Any] = {"label": p.label, "text": p.wording}
            if p.criteria is not None:
                item["match"] = p.criteria.expr()
            if p.amended_by:
                item["amended_by"] = p.amended_by
            items.append(item)
        out["items"] = items
        return out


@dataclass
class Commit:
    author: Member
    when: dt.datetime
    message: str
    files: dict[str, bytes] = field(default_factory=dict)
    tag: str = ""  # an annotated release tag on this commit


class Generator:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.text = Text(random.Random(args.seed + 1))
        self.list_id = args.id
        self.members = self._members()
        self.chair = self.members[0]
        self.voters = [m for m in self.members if m.role != "observer"]

    # -- people -----------------------------------------------------------------------------
    def _members(self) -> list[Member]:
        rng = random.Random(self.args.seed + 2)
        out = [Member("chair", "Committee chair", "chair")]
        for group, count in (("industry", 9), ("academia", 7), ("government", 7)):
            for n in range(1, count + 1):
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)} ({group} member {n})"
                out.append(Member(f"{group}-{n}", name, "member"))
        out += [Member(f"observer-{n}", f"Observer {n}", "observer") for n in range(1, 5)]
        return out

    # -- list.toml ----------------------------------------------------------------------------
    def manifest(self, version: str | None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.list_id,
            "title": "Candidate controls on emerging technologies (scale test)",
            "description": (
                "A generated list the size of a long-running committee's: candidate controls "
                "across the emerging-technology areas, the discussion around them and the public "
                "comments on the published draft. Generated by benchmarks/generate.py."
            ),
            "jurisdiction": "US",
            "partners": PARTNERS,
            "regimes": {
                regime: {
                    "title": title,
                    "members": sorted(members),
                    "as_of": "2026-07-23",
                    "sources": ["15 CFR 740 Supp. No. 1, Country Groups A:1 to A:4"],
                }
                for regime, (title, members) in REGIME_MEMBERS.items()
            },
            "docket": {
                "id": DOCKET,
                "agency": "Bureau of Industry and Security, Commerce",
                "comment_deadline": dt.date(2026, 3, 31),
                "contact": "Regulatory Policy Division, Bureau of Industry and Security",
                "rin": "0694-AJ60",
            },
            "members": [
                {"id": m.id, "name": m.name, "role": m.role, "email": m.email} for m in self.members
            ],
            "areas": {a.id: {"title": a.title} for a in AREAS},
            "parameters": {
                p.name: {
                    "title": p.title,
                    "unit": p.unit,
                    **({"type": "flag"} if p.is_flag else {}),
                }
                for p in PARAMS.values()
            },
        }
        if version:
            data["version"] = version
        return data

    # -- catalogue ----------------------------------------------------------------------------
    def items(self) -> list[dict[str, Any]]:
        rng = random.Random(self.args.seed + 3)
        out, seen = [], set()
        for n in range(self.args.items):
            area = rng.choices(AREAS, areas_weights())[0]
            maker = rng.choice(area.makers)
            model = f"{rng.choice('ABCDEFGHKMNPRSTVXZ')}{rng.choice('ABCDEFGHKMNPRSTVXZ')}-{rng.randint(10, 9999)}"
            item_id = f"{slug(maker)}-{model.lower()}"
            while item_id in seen:
                item_id += f"-{n}"
            seen.add(item_id)
            origin = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
            params: dict[str, Any] = {}
            score = 0.0
            for name in area.params:
                p = PARAMS[name]
                if rng.random() < 0.08:
                    continue  # not measured: weighing reports the item as unknown
                if p.is_flag:
                    params[name] = rng.random() < 0.5
                    continue
                value = draw_value(rng, p)
                params[name] = value
                position = (math.log(value) - math.log(p.low)) / (
                    math.log(p.high) - math.log(p.low)
                )
                score += 1 - position if p.lower_is_more else position
            measured = max(1, sum(1 for k in params if not PARAMS[k].is_flag))
            capable = score / measured
            item: dict[str, Any] = {
                "id": item_id,
                "name": f"{maker} {model}",
                "maker": maker,
                "origin": origin,
                "kind": rng.choice(area.kinds),
                "mass_market": capable < 0.6 and rng.random() < 0.25,
                "sources": sorted(
                    {
                        f"{maker} datasheet for the {model}, revision {rng.randint(1, 9)} ({rng.randint(2019, 2026)})",
                        f"Independent measurement report {rng.randint(100, 999)}/{rng.randint(2020, 2026)}",
                        f"Trade press, {rng.choice(MONTHS)} {rng.randint(2020, 2026)}",
                    }
                )[: rng.randint(1, 3)],
                "params": params,
                "param_sources": {
                    name: f"{maker} datasheet for the {model}, table {rng.randint(1, 12)}"
                    for name in params
                },
                "concern": {
                    "of_concern": capable > 0.55 + rng.uniform(-0.15, 0.15),
                    "basis": f"Capability score {capable:.2f} of 1 across the area's parameters",
                    "sources": [f"Committee assessment note {rng.randint(100, 999)}"],
                    "assessed_by": "chair",
                    "assessed_on": f"{rng.randint(2024, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                },
            }
            if rng.random() < 0.2:
                item["notes"] = (
                    "Figures are the vendor's claims; the committee has not measured them."
                )
            out.append(item)
        return out

    # -- controls -----------------------------------------------------------------------------
    def controls(self) -> list[ControlPlan]:
        rng = self.rng
        ids: list[tuple[str, Area]] = []
        taken: set[str] = set()
        while len(ids) < self.args.controls:
            area = rng.choices(AREAS, areas_weights())[0]
            group = rng.choice(area.groups)
            number = rng.choice((rng.randint(900, 999), rng.randint(1, 999)))
            control_id = f"{group}{number:03d}"
            if rng.random() < 0.03:
                control_id += "." + rng.choice("abcdefgh")
            if control_id in taken:
                continue
            taken.add(control_id)
            ids.append((control_id, area))
        ids.sort()
        all_ids = [i for i, _ in ids]
        statuses = list(STATUSES)
        plans = []
        proposers = [m for m in self.voters if m.role == "member"]
        for control_id, area in ids:
            status = rng.choices(statuses, list(STATUSES.values()))[0]
            related = (
                sorted(set(rng.sample(all_ids, rng.randint(1, 3)))) if rng.random() < 0.2 else []
            )
            related = [r for r in related if r != control_id]
            noun = rng.choice(area.nouns)
            title = f"{noun} {rng.choice(TITLE_QUALIFIERS)}"
            plans.append(
                ControlPlan(
                    id=control_id,
                    area=area,
                    title=title,
                    status=status,
                    visibility="public" if rng.random() < 0.75 else "committee",
                    reasons=sorted(set(rng.sample(REASONS, rng.randint(1, 3)))),
                    regime=rng.choices(REGIMES, (30, 8, 4, 6, 52))[0],
                    related=related,
                    summary=summary_of(noun, area, rng),
                    rationale=self.text.markdown(self.text.committee, (1, 3)),
                    impact=self.text.markdown(self.text.committee, (1, 2)),
                    sources=self._sources(control_id),
                    proposed_by=rng.choice(proposers).id,
                    paragraphs=self._paragraphs(area, noun),
                    heat=rng.lognormvariate(0, 1.1),
                )
            )
        return plans

    def _sources(self, control_id: str) -> list[str]:
        rng = self.rng
        out = [f"15 CFR 774 Supp. 1, ECCN {control_id} (proposed text)"]
        for _ in range(rng.randint(0, 3)):
            out.append(
                f"{rng.randint(80, 91)} FR {rng.randint(1000, 99999)} ({rng.choice(MONTHS)} {rng.randint(2018, 2026)})"
            )
        return out

    def _paragraphs(self, area: Area, noun: str) -> list[Paragraph]:
        rng = self.rng
        count = rng.choices((1, 2, 3, 4, 5, 6), (20, 20, 25, 15, 12, 8))[0]
        labels = paragraph_labels(rng, count)
        parents = {label.rsplit(".", 1)[0] for label in labels if "." in label}
        out = []
        for label in labels:
            if label in parents:
                out.append(Paragraph(label, f"{noun} having any of the following:", None))
            elif rng.random() < 0.08:
                out.append(
                    Paragraph(
                        label,
                        "Technology for the development or production of the items above.",
                        None,
                    )
                )
            else:
                out.append(Paragraph(label, "", criteria_for(rng, area), noun=noun))
        return out

    # -- the history --------------------------------------------------------------------------
    def history(self) -> Iterator[Commit]:
        """Commits in order. Files are rendered as each commit is planned."""
        args, rng = self.args, self.rng
        t0 = time.perf_counter()
        controls = self.controls()
        items = self.items()
        say(f"planned {len(controls)} controls and {len(items)} items", t0)
        scale = max(args.commits, 20) / 300  # commit counts below are for the default 300
        n_control_commits = max(2, round(90 * scale))
        n_discussion = max(3, round(160 * scale))
        n_status = max(2, round(16 * scale))
        n_imports = max(1, round(8 * scale))
        n_answers = max(1, round(8 * scale))
        n_edits = max(1, round(10 * scale))

        # a timeline: 0-40 % proposals (with discussion), 40 % v1.0, then comments from the
        # public, answers and edits; v2.0 at 95 %; the last commit changes 100 controls
        def at(fraction: float) -> dt.datetime:
            return START + dt.timedelta(days=DAYS * fraction)

        events: list[tuple[float, str, int]] = [
            (0.0, "manifest", 0),
            (0.005, "catalogue", 0),
            (0.01, "catalogue", 1),
        ]
        events += [
            (0.02 + 0.33 * i / n_control_commits, "controls", i) for i in range(n_control_commits)
        ]
        events += [(0.03 + 0.9 * i / n_discussion, "discussion", i) for i in range(n_discussion)]
        events += [
            (0.2 + 0.18 * i / max(1, n_status // 2), "status", i) for i in range(n_status // 2)
        ]
        events += [(0.4, "release", 1)]
        events += [(0.45 + 0.2 * i / n_imports, "import", i) for i in range(n_imports)]
        events += [
            (0.6 + 0.15 * i / max(1, n_status - n_status // 2), "status", n_status // 2 + i)
            for i in range(n_status - n_status // 2)
        ]
        events += [(0.7 + 0.2 * i / n_answers, "answers", i) for i in range(n_answers)]
        events += [(0.5 + 0.4 * i / n_edits, "edits", i) for i in range(n_edits)]
        events += [(0.95, "release", 2), (0.97, "final", 0)]
        events.sort(key=lambda e: (e[0], e[1], e[2]))

        per_commit = split_evenly(len(controls), n_control_commits)
        batches, start = [], 0
        for size in per_commit:
            batches.append(controls[start : start + size])
            start += size
        status_plan = self._status_plan(controls, n_status)
        public = self._public_plan(controls, status_plan)
        import_batches = split_evenly(len(public), n_imports)
        answered = [pc for pc in public if pc["answer"] is not None]
        answer_batches = split_evenly(len(answered), n_answers)
        transitions = sum(len(v) for v in status_plan.values())
        regular = max(0, args.comments - transitions)
        comment_batches = split_evenly(regular, n_discussion)

        current: dict[str, str] = {}  # control id: status now
        live: list[ControlPlan] = []  # controls added so far
        comments_on: dict[str, list[tuple[str, str, Criteria]]] = {}  # control: (file, item, match)
        imported = 0
        answered_so_far = 0
        version = ""
        previous = START
        for fraction, kind, index in events:
            when = at(fraction) + dt.timedelta(minutes=rng.randint(0, 600))
            when = max(when, previous + dt.timedelta(seconds=60))
            commit: Commit
            if kind == "manifest":
                commit = Commit(
                    self.chair, when, "Start the list: members, areas, parameters, docket"
                )
                commit.files["list.toml"] = self._render("list", self.manifest(None))
            elif kind == "catalogue":
                half = len(items) // 2
                chosen = items[:half] if index == 0 else items[half:]
                author = self.chair if index == 0 else self.voters[1]
                commit = Commit(
                    author,
                    when,
                    f"Catalogue: {len(chosen)} reference items with measured parameters",
                )
                for item in chosen:
                    commit.files[f"catalogue/{item['id']}.toml"] = self._render("item", item)
            elif kind == "controls":
                batch = batches[index]
                author = self._member(batch[0].proposed_by) if batch else self.voters[1]
                commit = Commit(author, when, f"Propose {plural(len(batch), 'control')}")
                for plan in batch:
                    plan.proposed_by = author.id
                    status = (
                        plan.status
                        if plan.status not in CHAIR_STATUSES
                        else rng.choice(("proposed", "under-review"))
                    )
                    current[plan.id] = status
                    commit.files[f"controls/{plan.id}.toml"] = self._render(
                        "control", plan.data(status)
                    )
                    live.append(plan)
            elif kind == "discussion":
                author = self.voters[index % len(self.voters)]
                count = comment_batches[index]
                commit = Commit(author, when, f"Discussion: {plural(count, 'comment')}")
                self._comments(commit, author, previous, when, count, live, comments_on)
            elif kind == "status":
                changes = status_plan.get(index, [])
                commit = Commit(
                    self.chair, when, f"Status changes: {plural(len(changes), 'control')}"
                )
                for plan in changes:
                    if plan.id not in current:
                        continue
                    before = current[plan.id]
                    current[plan.id] = plan.status
                    commit.files[f"controls/{plan.id}.toml"] = self._render(
                        "control", plan.data(plan.status)
                    )
                    path, data = self._comment(
                        plan.id, self.chair, when, self.text.paragraph(self.text.committee, 1, 3)
                    )
                    data["transition"] = {"from": before, "to": plan.status}
                    commit.files[path] = self._render("comment", data)
            elif kind == "release":
                version = f"{index}.0"
                commit = Commit(
                    self.chair, when, f"Release {version}", tag=f"{self.list_id}/v{version}"
                )
                commit.files["list.toml"] = self._render("list", self.manifest(version))
            elif kind == "import":
                count = import_batches[index]
                chosen = public[imported : imported + count]
                imported += count
                commit = Commit(
                    self.chair, when, f"Import {plural(count, 'public comment')} on {DOCKET}"
                )
                for pc in chosen:
                    commit.files[pc["path"]] = self._render(
                        "public-comment", records.public_comment_to(pc["comment"])
                    )
            elif kind == "answers":
                count = answer_batches[index]
                chosen = answered[answered_so_far : answered_so_far + count]
                answered_so_far += count
                commit = Commit(self.chair, when, f"Answer {plural(count, 'public comment')}")
                for pc in chosen:
                    done = replace(pc["comment"], disposition=pc["answer"])
                    commit.files[pc["path"]] = self._render(
                        "public-comment", records.public_comment_to(done)
                    )
            elif kind == "edits":
                author = self.voters[1 + index % (len(self.voters) - 1)]
                commit = Commit(author, when, "Revise thresholds after discussion")
                # a published or final control is the chair's to change
                open_ = [p for p in live if current[p.id] not in lifecycle.SETTLED]
                for plan in rng.sample(open_, min(len(open_), 20)):
                    self._move(plan)
                    commit.files[f"controls/{plan.id}.toml"] = self._render(
                        "control", plan.data(current[plan.id])
                    )
            else:  # final
                chosen = self._final_choice(live, comments_on)
                message = (
                    f"Apply amendments and revised thresholds to {plural(len(chosen), 'control')}"
                )
                commit = Commit(self.chair, when, message)
                for plan in chosen:
                    commit.files[f"controls/{plan.id}.toml"] = self._render(
                        "control", plan.data(current[plan.id])
                    )
            if commit.files:
                previous = when
                yield commit

    def _member(self, member_id: str) -> Member:
        return next(m for m in self.members if m.id == member_id)

    def _render(self, kind: str, data: dict[str, Any]) -> bytes:
        return render(kind, data).encode("utf-8")

    def _status_plan(
        self, controls: Sequence[ControlPlan], commits: int
    ) -> dict[int, list[ControlPlan]]:
        """Which status commit moves each control to a chair-only status; final controls move
        before the public-comment imports start, so their comments can be answered."""
        plan: dict[int, list[ControlPlan]] = {}
        early = max(1, commits // 2)
        for c in controls:
            if c.status in CHAIR_STATUSES:
                index = (
                    self.rng.randrange(early)
                    if c.status == "final" or self.rng.random() < 0.5
                    else self.rng.randrange(early, max(early + 1, commits))
                )
                plan.setdefault(min(index, commits - 1), []).append(c)
        return plan

    def _public_plan(
        self, controls: Sequence[ControlPlan], status_plan: dict[int, list[ControlPlan]]
    ) -> list[dict[str, Any]]:
        rng = random.Random(self.args.seed + 4)
        known = frozenset(c.id for c in controls)
        published = [
            c
            for c in controls
            if c.visibility == "public" and c.status in ("recommended", "published", "final")
        ] or list(controls)
        final = {c.id for c in controls if c.status == "final"}
        out, seen = [], set()
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        for n in range(self.args.public_comments):
            tracking = ""
            while not tracking or tracking in seen:
                tracking = "-".join("".join(rng.choices(alphabet, k=k)) for k in (3, 4, 4))
            seen.add(tracking)
            person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            organization = rng.choice(ORGANIZATIONS) if rng.random() < 0.35 else ""
            mentioned = [
                c.id
                for c in rng.sample(
                    published, min(len(published), rng.choices((0, 1, 2, 3), (30, 45, 18, 7))[0])
                )
            ]
            extra = " ".join(f"We comment in particular on ECCN {m}." for m in mentioned)
            body = self.text.markdown(self.text.public, (1, 4), extra, (2, 4))
            if organization:
                body = f"On behalf of the {organization}, we appreciate the opportunity to comment.\n\n{body}"
            withdrawn = rng.random() < 0.01
            posted = (at_day(0.45 + 0.2 * n / max(1, self.args.public_comments))).strftime(
                "%Y-%m-%dT05:00Z"
            )
            title = f"Comment from {organization or person}"
            comment = PublicComment(
                docket=DOCKET,
                tracking_number=tracking,
                document_id=f"{DOCKET}-{n + 2:04d}",
                title=title,
                posted=posted,
                received=posted,
                submitter="" if withdrawn else person,
                organization="" if withdrawn else organization,
                body="" if withdrawn else body,
                attachments=()
                if withdrawn or rng.random() > 0.1
                else (f"https://downloads.regulations.gov/{DOCKET}-{n + 2:04d}/attachment_1.pdf",),
                withdrawn=withdrawn,
                controls=()
                if withdrawn
                else public_rules.controls_mentioned(f"{title}\n{body}", known),
            )
            if rng.random() < 0.04 and not withdrawn:
                mapping = tuple(
                    sorted(
                        {
                            c.id
                            for c in rng.sample(published, min(len(published), rng.randint(0, 2)))
                        }
                    )
                )
                comment = replace(comment, mapping=mapping)
            answer = None
            if not withdrawn and (rng.random() < 0.4 or set(comment.mapped_controls) & final):
                answer = Disposition(
                    action=rng.choices(ACTIONS, ACTION_WEIGHTS)[0],
                    response=self.text.paragraph(self.text.committee, 1, 3),
                    by="chair",
                    at=at_day(0.72 + 0.2 * rng.random()).strftime("%Y-%m-%dT%H:%M:%SZ"),
                )
            path = f"public-comments/{DOCKET}/{tracking}.toml"
            out.append({"path": path, "comment": comment, "answer": answer})
        return out

    def _comment(
        self, control_id: str, author: Member, when: dt.datetime, body: str
    ) -> tuple[str, dict[str, Any]]:
        data: dict[str, Any] = {"author": author.id, "at": when, "body": body}
        stamp = when.strftime("%Y-%m-%dT%H%M%SZ")
        return f"discussion/{control_id}/{stamp}-{author.id}.toml", data

    def _comments(
        self,
        commit: Commit,
        author: Member,
        since: dt.datetime,
        until: dt.datetime,
        count: int,
        live: Sequence[ControlPlan],
        comments_on: dict[str, list[tuple[str, str, Criteria]]],
    ) -> None:
        """`count` comments by `author` written between the previous commit and this one; the
        hotly debated controls draw most of them (each control's heat is log-normal: ten
        comments on a typical control, a few hundred on the most contested)."""
        rng = self.rng
        span = max(60, int((until - since).total_seconds()) - 60)
        seconds = sorted(rng.sample(range(span), min(count, span)))
        while len(seconds) < count:
            seconds.append(seconds[-1] if seconds else 0)
        used: set[str] = set()
        heat = list(itertools.accumulate(p.heat for p in live))
        for offset, plan in zip(
            seconds, rng.choices(live, cum_weights=heat, k=len(seconds)), strict=True
        ):
            when = since + dt.timedelta(seconds=offset + 1)
            path, data = self._comment(plan.id, author, when, "")
            while path in used or path in commit.files:
                when += dt.timedelta(seconds=1)
                path, data = self._comment(plan.id, author, when, "")
            used.add(path)
            if rng.random() < 0.45:
                data["position"] = rng.choices(POSITIONS, POSITION_WEIGHTS)[0]
            extra = ""
            with_criteria = [p for p in plan.paragraphs if p.criteria is not None]
            if with_criteria and rng.random() < 0.05:
                paragraph = rng.choice(with_criteria)
                proposal = paragraph.criteria.moved(rng)
                data["amendment"] = {"item": paragraph.label, "match": proposal.expr()}
                comments_on.setdefault(plan.id, []).append((path, paragraph.label, proposal))
                extra = f"I propose `{proposal.expr()}` for paragraph {paragraph.label}."
            data["body"] = self.text.markdown(self.text.committee, (1, 3), extra, (1, 4))
            commit.files[path] = self._render("comment", data)

    def _move(self, plan: ControlPlan) -> None:
        with_criteria = [p for p in plan.paragraphs if p.criteria is not None]
        if with_criteria:
            paragraph = self.rng.choice(with_criteria)
            paragraph.criteria = paragraph.criteria.moved(self.rng)
            paragraph.amended_by = ""
        else:
            plan.summary += " The committee revised the text after discussion."

    def _final_choice(
        self, live: Sequence[ControlPlan], comments_on: dict[str, list[tuple[str, str, Criteria]]]
    ) -> list[ControlPlan]:
        """100 controls whose criteria change; half of them take a proposed amendment."""
        rng = self.rng
        movable = [p for p in live if any(x.criteria is not None for x in p.paragraphs)]
        chosen = rng.sample(movable, min(FINAL_CHANGES, len(movable)))
        for plan in chosen:
            proposals = comments_on.get(plan.id, [])
            if proposals and rng.random() < 0.5:
                file, label, proposal = rng.choice(proposals)
                paragraph = next(p for p in plan.paragraphs if p.label == label)
                if paragraph.criteria is not None and paragraph.criteria.expr() != proposal.expr():
                    paragraph.criteria = proposal
                    paragraph.amended_by = file
                    continue
            self._move(plan)
        return chosen


TITLE_QUALIFIERS = (
    "for advanced applications",
    "above the performance threshold",
    "designed for military end uses",
    "with export variants",
    "and specially designed components",
    "for research and development",
    "not elsewhere specified",
    "in development or production",
    "with enhanced capabilities",
    "for datacenter deployment",
    "for space qualification",
    "and related technology",
)


def paragraph_labels(rng: random.Random, count: int) -> list[str]:
    """`count` labels in List-of-Items order: a, a.1, a.2, b, …"""
    labels: list[str] = []
    letter = 0
    while len(labels) < count:
        top = "abcdefgh"[letter]
        letter += 1
        room = count - len(labels)
        if room >= 3 and rng.random() < 0.5:
            subs = rng.randint(2, min(4, room - 1))
            labels.append(top)
            labels += [f"{top}.{i}" for i in range(1, subs + 1)]
        else:
            labels.append(top)
    return labels


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def summary_of(noun: str, area: Area, rng: random.Random) -> str:
    measured = [PARAMS[p].title.lower() for p in area.params if not PARAMS[p].is_flag]
    chosen = rng.sample(measured, min(len(measured), rng.randint(1, 2)))
    return (
        f"{noun} whose {' and '.join(chosen)} reach the levels at which they give a military or "
        f"intelligence advantage; {area.title.lower()} below those levels stays uncontrolled."
    )


def split_evenly(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def at_day(fraction: float) -> dt.datetime:
    return START + dt.timedelta(days=DAYS * fraction)


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def say(message: str, since: float) -> None:
    print(f"[{time.perf_counter() - since:6.1f}s] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- git


def identity(member: Member, when: dt.datetime) -> bytes:
    return f"{member.name} <{member.email}> {int(when.timestamp())} +0000".encode()


def fast_import_stream(
    commits: Iterable[Commit], branch: str = "refs/heads/main"
) -> Iterator[bytes]:
    """The `git fast-import` commands for `commits`, each on top of the previous one."""
    for mark, commit in enumerate(commits, start=1):
        message = commit.message.encode() + b"\n"
        yield b"commit %s\nmark :%d\n" % (branch.encode(), mark)
        yield b"author " + identity(commit.author, commit.when) + b"\n"
        yield b"committer " + identity(commit.author, commit.when) + b"\n"
        yield b"data %d\n%s" % (len(message), message)
        if mark > 1:
            yield b"from :%d\n" % (mark - 1)
        for path in sorted(commit.files):
            body = commit.files[path]
            yield b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(body), body)
        yield b"\n"
        if commit.tag:
            note = f"Release {commit.tag}\n".encode()
            yield b"tag %s\nfrom :%d\n" % (commit.tag.encode(), mark)
            yield b"tagger " + identity(commit.author, commit.when) + b"\n"
            yield b"data %d\n%s\n" % (len(note), note)


def write_repository(out: Path, commits: Iterable[Commit], since: float) -> tuple[int, int]:
    out.mkdir(parents=True, exist_ok=True)
    git(out, "init", "--quiet")
    git(out, "symbolic-ref", "HEAD", "refs/heads/main")
    proc = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done"], cwd=out, stdin=subprocess.PIPE
    )
    assert proc.stdin is not None
    count = files = 0
    pending: list[bytes] = []
    size = 0
    for commit in commits:
        count += 1
        if count % 50 == 0:
            say(f"{count} commits", since)
        files += len(commit.files)
        for chunk in fast_import_stream([commit]):
            pending.append(chunk)
            size += len(chunk)
        if size > 8 << 20:
            proc.stdin.write(b"".join(pending))
            pending, size = [], 0
    proc.stdin.write(b"".join(pending) + b"done\n")
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    return count, files


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


# ---------------------------------------------------------------- main


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "out", type=Path, metavar="OUT", help="a new folder: the repository and the list"
    )
    p.add_argument(
        "--shape", choices=sorted(SHAPES), default="default", help="the sizes (see above)"
    )
    p.add_argument("--controls", type=int, help="(default: the shape's)")
    p.add_argument("--comments", type=int, help="(default: the shape's)")
    p.add_argument("--public-comments", type=int, help="(default: the shape's)")
    p.add_argument("--items", type=int, help="(default: the shape's)")
    p.add_argument("--commits", type=int, default=300, help="about this many commits of history")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--id", default="scale", help="the list id (release tags are <id>/v1.0, /v2.0)")
    args = p.parse_args(argv)
    for name, size in SHAPES[args.shape].items():
        if getattr(args, name) is None:
            setattr(args, name, size)
    if args.out.exists() and any(args.out.iterdir()):
        p.error(f"{args.out} exists and is not empty")
    if args.controls < 1 or args.items < 1:
        p.error("a list needs at least one control and one catalogue item")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    since = time.perf_counter()
    generator = Generator(args)
    commits, files = write_repository(args.out, generator.history(), since)
    say(f"{commits} commits, {files} file versions imported", since)
    git(args.out, "reset", "--hard", "--quiet")
    say(f"checked out {args.out}", since)
    return 0


if __name__ == "__main__":
    sys.exit(main())
