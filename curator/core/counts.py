"""Counts written out for people: 1 file, 2 files."""

from __future__ import annotations


def counted(n: int, noun: str) -> str:
    """`n` and `noun`, plural (an s) unless `n` is 1."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
