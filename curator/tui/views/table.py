"""The controls table: a row per control (id, title, status, area, balance mark) and per broken
control file."""

from __future__ import annotations

from dataclasses import dataclass

from curator.core import discussion
from curator.core import weigh as weighing
from curator.core.model import Control
from curator.core.problems import Problem

COLUMNS = [("id", 9), ("title", 0), ("status", 12), ("area", 14), ("balance", 12)]
VERDICT_MARK = {
    weighing.TOO_LOOSE: "loose",
    weighing.TOO_TIGHT: "tight",
    weighing.BOTH: "both",
    weighing.BALANCED: "ok",
}


@dataclass(frozen=True)
class Row:
    key: str
    cells: tuple[str, ...]
    broken: bool = False


def mark(verdict: str, ballot: discussion.Ballot) -> str:
    """The balance mark: the weigh verdict of the control's own text ("·": no criteria) and the
    members' positions too loose / too tight."""
    loose, tight = ballot.balance["too-loose"], ballot.balance["too-tight"]
    votes = f" {loose}/{tight}" if loose or tight else ""
    return (VERDICT_MARK.get(verdict, "·") + votes).strip()


def control_row(control: Control, verdict: str, ballot: discussion.Ballot) -> Row:
    cells = (control.id, control.title, control.status, control.area, mark(verdict, ballot))
    return Row(control.id, cells)


def broken_row(key: str, path: str, problem: Problem) -> Row:
    name = path.removeprefix("controls/").removesuffix(".toml")
    return Row(key, (name, f"broken: {problem.message}", "broken", "", ""), broken=True)
