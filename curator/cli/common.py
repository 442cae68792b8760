"""Pieces every verb shares: the list option, output format, printing problems."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from curator.core.problems import Problem
from curator.store.discover import find_list


def add_list(p: argparse.ArgumentParser) -> None:
    p.add_argument("--list", metavar="DIR", default=argparse.SUPPRESS, help="the list folder")


def add_format(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def add_as(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as", dest="as_member", metavar="MEMBER", help="act as this member")


def list_root(args: argparse.Namespace) -> Path:
    return find_list(getattr(args, "list", None))


def print_json(document: Any) -> None:
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def print_problems(problems: list[Problem] | tuple[Problem, ...], stream=None) -> None:
    out = stream or sys.stdout
    for problem in problems:
        out.write(problem.render() + "\n")
