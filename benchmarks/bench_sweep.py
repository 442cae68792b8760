"""Time `curator.core.sweep.sweep` against a naive sweep on a generated catalogue.

The naive baseline evaluates the rescaled expression for every item at every threshold with
`criteria.evaluate` in pure Python: what the sweep would cost without numpy. Both run in the same
process on the same data, and their counts are compared before any figure is printed.

    .venv/bin/python benchmarks/bench_sweep.py [--items 1000] [--runs 5] [--naive-runs 5] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from curator.core import criteria
from curator.core.model import Adopters, CatalogueItem, Concern, Parameter
from curator.core.sweep import rescaled, sweep
from curator.core.weigh import Labelled, Setting, classify

PARAMETERS = {
    "tpp": Parameter("tpp", "Total processing performance", "TPP"),
    "performance_density": Parameter("performance_density", "Performance density", "TPP/mm²"),
    "datacenter": Parameter("datacenter", "Designed for datacenters", "yes/no", type="flag"),
}
# the October 2023 text of 3A090.a, as two paragraphs
PARAGRAPHS = {
    "a.1": "tpp >= 4800",
    "a.2": "datacenter == true and tpp >= 1600 and performance_density >= 5.92",
}
PARTNERS = Setting(Adopters("partners", ("JP", "NL", "US")))  # who applies the control

Counts = list[tuple[float, int, int, int]]


def generate(count: int, seed: int) -> dict[str, CatalogueItem]:
    """Random chips: TPP spread over three decades, some figures missing as in a real catalogue."""
    rng = random.Random(seed)
    items = {}
    for n in range(count):
        params: dict[str, float | bool] = {"datacenter": rng.random() < 0.6}
        if rng.random() > 0.03:
            params["tpp"] = round(10 ** rng.uniform(2, 4.6), 1)
        if rng.random() > 0.1:
            params["performance_density"] = round(rng.uniform(0.5, 20), 2)
        tpp = params.get("tpp", 0)
        items[f"chip-{n:04d}"] = CatalogueItem(
            id=f"chip-{n:04d}",
            name=f"Chip {n}",
            origin=rng.choice(("US", "US", "JP", "CN", "KR")),
            concern=Concern(tpp >= 4000 and rng.random() > 0.1, "generated", ("generated",)),
            mass_market=not params["datacenter"] and rng.random() < 0.5,
            sources=("generated",),
            params=params,
        )
    return items


def fast(expressions: Sequence[Labelled], catalogue: Mapping[str, CatalogueItem]) -> Counts:
    result = sweep(expressions, catalogue, PARTNERS, "tpp")
    return [(p.threshold, p.leaks, p.overreach, p.captured) for p in result.points]


def naive(expressions: Sequence[Labelled], catalogue: Mapping[str, CatalogueItem]) -> Counts:
    reference = next(a.value for _, e in expressions for a in criteria.atoms(e) if a.param == "tpp")
    values = {
        v
        for i in catalogue.values()
        if isinstance(v := i.params.get("tpp"), int | float) and not isinstance(v, bool)
    }
    out = []
    for threshold in sorted(values | {reference}):
        at = rescaled(expressions, "tpp", threshold)
        leaks = overreach = captured = 0
        for item in catalogue.values():
            truth, _ = classify(at, item.params)
            captured += truth is True
            of_concern = item.concern is not None and item.concern.of_concern
            leaks += truth is False and of_concern
            overreach += truth is True and not of_concern
        out.append((float(threshold), leaks, overreach, captured))
    return out


def median_seconds(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--items", type=int, default=1000)
    p.add_argument("--runs", type=int, default=5, help="runs of the numpy sweep (median)")
    p.add_argument("--naive-runs", type=int, default=5, help="runs of the baseline (median)")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)

    catalogue = generate(args.items, args.seed)
    expressions = tuple((k, criteria.parse(v, PARAMETERS)) for k, v in PARAGRAPHS.items())
    points = fast(expressions, catalogue)
    if points != naive(expressions, catalogue):
        print("the numpy sweep and the naive baseline disagree", file=sys.stderr)
        return 1

    quick = median_seconds(lambda: fast(expressions, catalogue), args.runs)
    slow = median_seconds(lambda: naive(expressions, catalogue), args.naive_runs)
    print(f"catalogue: {args.items} items, {len(points)} candidate thresholds, seed {args.seed}")
    print(f"numpy sweep:    {quick * 1000:9.1f} ms  (median of {args.runs})")
    print(f"naive baseline: {slow * 1000:9.1f} ms  (median of {args.naive_runs})")
    print(f"speed-up:       {slow / quick:9.1f} ×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
