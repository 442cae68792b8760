"""Time `curator publish` on a generated list of publishable controls against a naive baseline.

The measured path is `curator.publish.build`: public views, list.json checked against its schema,
index.html, notice.md and changes.html, with one Jinja environment (templates compiled once) and
one Markdown parser reused for every control. The naive baseline renders each control's section
of index.html with a fresh Jinja environment and Markdown parser per control — what publishing
costs when nothing is shared. Both run in the same process on the same list, and every section the
baseline renders is checked to be byte-identical to the same section of the real page. The
baseline's cost per control does not depend on the list's size, so by default it times a sample
of controls and scales to the whole list (`--naive-sample 0` times every control: minutes).

    .venv/bin/python benchmarks/bench_publish.py [--controls 2000] [--runs 3] [--naive-sample 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from curator import publish
from curator.core import publication
from curator.core.model import Area, Control, ControlList, Docket, Manifest, Paragraph, Parameter
from curator.publish.render import Renderer

AREAS = {
    "advanced-computing": "Advanced computing technology",
    "quantum": "Quantum information and sensing",
    "biotechnology": "Biotechnology",
    "hypersonics": "Hypersonics",
    "additive-manufacturing": "Additive manufacturing",
}
PARAMETERS = {
    "tpp": Parameter("tpp", "Total processing performance", "TPP"),
    "performance_density": Parameter("performance_density", "Performance density", "TPP/mm²"),
    "qubits": Parameter("qubits", "Physical qubits", "qubits"),
    "datacenter": Parameter("datacenter", "Designed for datacenters", "yes/no", type="flag"),
}
WORDS = [
    "integrated",
    "circuit",
    "having",
    "aggregate",
    "bidirectional",
    "transfer",
    "rate",
    "designed",
    "marketed",
]


def generate(count: int, seed: int) -> ControlList:
    """`count` public, recommended controls with paragraphs, criteria, links and related ids."""
    rng = random.Random(seed)
    ids = sorted(
        {
            f"{rng.randrange(10)}{rng.choice('ABCDE')}{rng.randrange(1000):03d}"
            for _ in range(count * 3)
        }
    )[:count]
    controls = {}
    for cid in ids:
        paragraphs = []
        for label in ("a.1", "a.2", "b", "c")[: rng.randint(1, 4)]:
            threshold = rng.choice((1600, 2400, 4800, 6000))
            match = rng.choice(
                (
                    f"tpp >= {threshold}",
                    f"datacenter == true and tpp >= {threshold} and performance_density >= 5.92",
                    f"qubits >= {rng.randint(20, 200)}",
                )
            )
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40)))
            paragraphs.append(Paragraph(label, f"'{text}' of {threshold} or more.", match))
        controls[cid] = Control(
            id=cid,
            title=" ".join(rng.choice(WORDS) for _ in range(5)).capitalize(),
            area=rng.choice(sorted(AREAS)),
            status="recommended",
            visibility="public",
            reasons=tuple(sorted(rng.sample(["NS1", "AT1", "RS", "MT1"], 2))),
            regime=rng.choice(("wassenaar", "unilateral")),
            related=tuple(sorted({rng.choice(ids) for _ in range(2)} - {cid})),
            summary=f"Controls *{rng.choice(WORDS)}* items; see "
            f"[the rule](https://www.federalregister.gov/d/{rng.randrange(10**6)}).",
            sources=("https://www.bis.gov/ear",),
            items=tuple(paragraphs),
        )
    manifest = Manifest(
        id="bench",
        title="Generated list",
        version="1.0",
        docket=Docket("BIS-2026-0001", "2027-01-31", "Bureau of Industry and Security, Commerce"),
        areas={k: Area(k, v) for k, v in AREAS.items()},
        parameters=PARAMETERS,
    )
    return ControlList(manifest=manifest, controls=controls)


def best(runs: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def naive_sections(document: dict[str, Any], controls: list[dict[str, Any]]) -> dict[str, str]:
    """Each control's section of index.html, with a fresh environment and parser per control."""
    sections = {}
    for control in controls:
        area = {**control["area"], "controls": [control["id"]]}
        alone = {**document, "controls": [control], "areas": [area]}
        sections[control["id"]] = section(Renderer().index(alone), control["id"])
    return sections


def section(html: str, control_id: str) -> str:
    start = html.index(f'<section class="control" id="{control_id}"')
    return html[start : html.index("</section>", start)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--controls", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--naive-sample", type=int, default=200, help="controls the baseline times (0: all)"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    loaded = generate(args.controls, args.seed)
    renderer = Renderer()
    publish.build(loaded, renderer=renderer)  # compile the templates once, as a long run would

    fast, package = best(args.runs, lambda: publish.build(loaded, renderer=renderer))
    document = publication.public_list(loaded)
    everything = document["controls"]
    sample = random.Random(args.seed).sample(everything, args.naive_sample or len(everything))
    timed, sections = best(1, lambda: naive_sections(document, sample))
    slow = timed * len(everything) / len(sample)

    index = package.files["index.html"].decode("utf-8")
    mismatched = [cid for cid, text in sections.items() if section(index, cid) != text]
    if mismatched:
        print(f"baseline and publish disagree on {len(mismatched)} sections, e.g. {mismatched[0]}")
        return 1
    anchors = len(re.findall(r'<section class="control" id="', index))
    size = sum(len(data) for data in package.files.values())
    print(f"controls: {len(loaded.controls)} ({anchors} sections), package {size / 1e6:.1f} MB")
    print(f"publish.build (whole package):   {fast * 1000:8.0f} ms  (best of {args.runs})")
    scaled = f"{len(sample)} controls timed, scaled" if len(sample) < len(everything) else "all"
    print(f"naive sections only:             {slow * 1000:8.0f} ms  ({scaled})")
    print(f"ratio naive / publish:           {slow / fast:8.1f}x")
    per = fast / len(loaded.controls) * 1e6
    print(f"per control:                     {per:8.0f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
