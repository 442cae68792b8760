"""The git merge driver: three-way merge of a list file field by field (docs/design.md §4).

Both sides are parsed and merged as data: a field changed on one side only takes that change;
paragraphs are matched by label and members by id, so two people editing different paragraphs
never meet; sets (sorted arrays such as `reasons`) take both sides' additions and removals. A
field changed differently on both sides is a conflict, and only that field is wrapped in conflict
markers, which name each side by its branch or commit and who changed the file there. The
result is written back in canonical form, keeping the comments people typed. Files that do not
parse as TOML fall back to git's own line merge.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli

from curator.core.problems import CuratorError
from curator.store.formats.atomic import digest, write_atomic
from curator.store.formats.files import read_given
from curator.store.formats.layout import kind_of
from curator.store.formats.schemas import shape
from curator.store.formats.tomltext import KeyPath, Layout, Shape, canonical, scan
from curator.store.git import plumbing

OURS_MARK = "<<<<<<<"
SPLIT_MARK = "======="
THEIRS_MARK = ">>>>>>>"
# the rebase commands that replay a commit, as `rebase-merge/done` lists them
PICKS = {"pick", "p", "reword", "r", "edit", "e", "squash", "s", "fixup", "f"}
LABEL_WIDTH = 100  # a marker line's label at most; a commit's subject is cut to fit

# arrays of tables whose elements are matched by a key instead of by position
KEYED = {"items": "label", "members": "id"}


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()  # a key one side does not have


@dataclass(frozen=True)
class Conflict:
    where: str  # the key as people read it: `title`, `items[a.1].match`, `items[b]`
    key: str  # the key or array name the markers show
    token: str  # the placeholder written in its place until markers replace it
    ours: Any
    theirs: Any
    shape: Shape
    element: bool  # a whole paragraph (or member) deleted on one side, changed on the other


@dataclass(frozen=True)
class Sides:
    """What the conflict markers call each side. git's own words mislead in a rebase (`git
    pull --rebase`): there "ours" is the other member's change, already pushed, and "theirs"
    your own commit being replayed onto it; so each side is named by its branch or commit and
    the member who last changed the file there."""

    ours: str = "ours"
    theirs: str = "theirs"
    base: str = "base"


@dataclass(frozen=True)
class Merged:
    text: str
    conflicts: tuple[Conflict, ...]


class Unmergeable(Exception):
    """A side that is not TOML: the caller falls back to a line merge."""


# ---------------------------------------------------------------- merging data


class _Merger:
    def __init__(self) -> None:
        self.conflicts: list[Conflict] = []
        self.counter = itertools.count(1)

    def value(self, where: str, key: str, shape: Shape, base: Any, ours: Any, theirs: Any) -> Any:
        if ours == theirs:
            return ours
        if base == ours:
            return theirs
        if base == theirs:
            return ours
        if _table_like(ours, theirs):
            # a table deleted on one side and changed on the other: its changed keys conflict
            merged = self.table(
                where, shape.child(key), *(_table_or_empty(v) for v in (base, ours, theirs))
            )
            return ABSENT if not merged and ABSENT in (ours, theirs) else merged
        if isinstance(ours, list) and isinstance(theirs, list):
            base_list = base if isinstance(base, list) else []
            field = KEYED.get(key)
            if field and all(_keyed(v, field) for v in (base_list, ours, theirs)):
                return self.keyed(where, key, shape, base_list, ours, theirs)
            if key in shape.sorted_arrays and _flat(base_list, ours, theirs):
                return _set_merge(base_list, ours, theirs)
        return self.conflict(where, key, shape, ours, theirs, element=False)

    def table(
        self,
        where: str,
        shape: Shape,
        base: Mapping[str, Any],
        ours: Mapping[str, Any],
        theirs: Mapping[str, Any],
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in _keys(ours, theirs, base):
            name = f"{where}.{key}" if where else key
            merged = self.value(
                name,
                key,
                shape,  # the table's shape: it knows its keys' order and sorted arrays
                base.get(key, ABSENT),
                ours.get(key, ABSENT),
                theirs.get(key, ABSENT),
            )
            if merged is not ABSENT:
                out[key] = merged
        return out

    def keyed(
        self, where: str, key: str, parent: Shape, base: list, ours: list, theirs: list
    ) -> list[dict[str, Any]]:
        field = KEYED[key]
        sub = parent.child(key)
        by = {
            name: {e[field]: e for e in side}
            for name, side in (("b", base), ("o", ours), ("t", theirs))
        }
        out = []
        for ident in _element_order(field, ours, theirs):
            b, o, t = (by[s].get(ident, ABSENT) for s in ("b", "o", "t"))
            label = f"{where}[{ident}]"
            if o == t or b == t:
                chosen = o
            elif b == o:
                chosen = t
            elif o is ABSENT or t is ABSENT:
                chosen = self.conflict(label, key, parent, o, t, element=True)
            else:
                chosen = self.table(label, sub, _table_or_empty(b), o, t)
            if chosen is not ABSENT:
                out.append(chosen)
        return out

    def conflict(
        self, where: str, key: str, shape: Shape, ours: Any, theirs: Any, element: bool
    ) -> Any:
        token = f"@curator-conflict-{next(self.counter)}@"
        self.conflicts.append(Conflict(where, key, token, ours, theirs, shape, element))
        return {KEYED[key]: token} if element else token


def _table_or_empty(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _keyed(value: Any, field: str) -> bool:
    if not isinstance(value, list) or not all(isinstance(e, dict) and field in e for e in value):
        return False
    idents = [e[field] for e in value]
    return len(set(idents)) == len(idents)


def _table_like(ours: Any, theirs: Any) -> bool:
    return all(isinstance(v, dict) or v is ABSENT for v in (ours, theirs))


def _flat(*values: list) -> bool:
    return all(isinstance(e, str | int | float) for v in values for e in v)


def _set_merge(base: list, ours: list, theirs: list) -> list:
    """Additions from both sides, minus what either side removed."""
    removed = {e for e in base if e not in ours or e not in theirs}
    out = [e for e in ours if e not in removed]
    out += [e for e in theirs if e not in removed and e not in out]
    return out


def _keys(*tables: Mapping[Any, Any]) -> list[Any]:
    out: list[Any] = []
    for table in tables:
        out += [k for k in table if k not in out]
    return out


def _element_order(field: str, ours: list, theirs: list) -> list[Any]:
    """Ours' order, with theirs' new elements placed after the element they follow there."""
    order = [e[field] for e in ours]
    previous = None
    for element in theirs:
        ident = element[field]
        if ident not in order:
            at = order.index(previous) + 1 if previous in order else 0
            order.insert(at, ident)
        previous = ident
    return order


# ---------------------------------------------------------------- comments people typed


StablePath = tuple[Any, ...]  # a key path with array positions replaced by ("=", label)


def _stable(path: KeyPath, data: Any) -> StablePath | None:
    out: list[Any] = []
    node = data
    for part in path:
        if isinstance(part, int):
            field = KEYED.get(str(out[-1])) if out else None
            if not isinstance(node, list) or part >= len(node):
                return None
            node = node[part]
            if field is None or not isinstance(node, dict) or field not in node:
                return None
            out.append(("=", node[field]))
        else:
            out.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return tuple(out)


def _located(path: StablePath, data: Any) -> KeyPath | None:
    out: list[str | int] = []
    node = data
    for part in path:
        if isinstance(part, tuple):
            field = KEYED.get(str(out[-1])) if out else None
            if not isinstance(node, list) or field is None:
                return None
            found = next((i for i, e in enumerate(node) if e.get(field) == part[1]), None)
            if found is None:
                return None
            out.append(found)
            node = node[found]
        else:
            out.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return tuple(out)


def _comments(layout: Layout, data: Any, attr: str) -> dict[StablePath, Any]:
    found = {}
    for path, value in getattr(layout, attr).items():
        stable = _stable(path, data)
        if stable is not None:
            found[stable] = value
    return found


def merged_layout(texts: tuple[str, str, str], datas: tuple[Any, Any, Any], merged: Any) -> Layout:
    """Comments three-way: ours, except where only theirs changed a comment."""
    layouts = [scan(t) for t in texts]
    out = Layout()
    out.header = _pick(*(lay.header for lay in layouts))
    out.trailing = _pick(*(lay.trailing for lay in layouts))
    for attr in ("before", "inline"):
        base, ours, theirs = (
            _comments(lay, d, attr) for lay, d in zip(layouts, datas, strict=True)
        )
        target = getattr(out, attr)
        for stable in _keys(ours, theirs):
            chosen = _pick(base.get(stable), ours.get(stable), theirs.get(stable))
            where = _located(stable, merged)
            if chosen and where is not None:
                target[where] = chosen
    return out


def _pick(base: Any, ours: Any, theirs: Any) -> Any:
    return theirs if ours == base else ours


# ---------------------------------------------------------------- text


def merge_texts(kind: str, base: str, ours: str, theirs: str, sides: Sides = Sides()) -> Merged:
    """Merge three versions of one list file; raises Unmergeable when one is not TOML."""
    try:
        base_data, ours_data, theirs_data = (
            tomli.loads(t) if t.strip() else {} for t in (base, ours, theirs)
        )
    except (tomli.TOMLDecodeError, RecursionError) as err:
        raise Unmergeable(str(err)) from None
    datas = (base_data, ours_data, theirs_data)
    merger = _Merger()
    file_shape = shape(kind)
    merged = merger.table("", file_shape, *datas)
    layout = merged_layout((base, ours, theirs), datas, merged)
    try:
        text = canonical(merged, file_shape, layout)
    except TypeError as err:
        raise Unmergeable(str(err)) from None
    for conflict in merger.conflicts:
        text = _mark(text, conflict, sides)
    return Merged(text, tuple(merger.conflicts))


def _mark(text: str, conflict: Conflict, sides: Sides) -> str:
    lines = text.split("\n")
    quoted = f'"{conflict.token}"'
    at = next((i for i, line in enumerate(lines) if quoted in line), None)
    if at is None:  # the value was written inline somewhere: let git merge the lines
        raise Unmergeable(f"cannot place conflict markers around {conflict.where}")
    start = at
    if conflict.element:
        while start > 0 and not lines[start].startswith("[["):
            start -= 1
    block = [
        f"{OURS_MARK} {sides.ours}",
        *_side(conflict, conflict.ours),
        SPLIT_MARK,
        *_side(conflict, conflict.theirs),
        f"{THEIRS_MARK} {sides.theirs}",
    ]
    return "\n".join([*lines[:start], *block, *lines[at + 1 :]])


def _side(conflict: Conflict, value: Any) -> list[str]:
    if value is ABSENT:
        return []
    data = {conflict.key: [value] if conflict.element else value}
    return canonical(data, conflict.shape).rstrip("\n").split("\n")


def kind_in_repo(repo_path: str) -> str | None:
    """The kind of a file named by its path in the repository (the list may sit anywhere)."""
    parts = repo_path.replace("\\", "/").split("/")
    for n in (1, 2, 3):
        kind = kind_of("/".join(parts[-n:]))
        if kind is not None:
            return kind
    return None


# ---------------------------------------------------------------- the driver


@dataclass(frozen=True)
class DriverResult:
    conflicts: tuple[str, ...]  # the fields wrapped in markers
    sides: Sides  # what the markers call each side
    line_merge: str = ""  # why git's line merge was used instead, when it was
    line_conflicts: int = 0


def merge_driver(
    base: Path, ours: Path, theirs: Path, repo_path: str, sides: Sides | None = None
) -> DriverResult:
    """`curator merge-file %O %A %B %P`: merge into `ours`, as git expects of a merge driver.
    The sides are named from the merge or rebase git is running here unless given."""
    if sides is None:
        sides = sides_of(Path.cwd(), repo_path, os.environ)
    raws = [read_given(p) for p in (base, ours, theirs)]  # refused: a usage error (exit 2)
    kind = kind_in_repo(repo_path)
    try:
        if kind is None:
            raise Unmergeable("not a list file")
        base_text, ours_text, theirs_text = (r.decode("utf-8") for r in raws)
        merged = merge_texts(kind, base_text, ours_text, theirs_text, sides)
    except (Unmergeable, UnicodeDecodeError) as why:
        return _line_merge(base, ours, theirs, str(why), sides)
    write_atomic(ours, merged.text.encode("utf-8"), expected=digest(raws[1]))
    return DriverResult(tuple(c.where for c in merged.conflicts), sides)


def _line_merge(base: Path, ours: Path, theirs: Path, why: str, sides: Sides) -> DriverResult:
    done = plumbing.run(
        ours.parent,
        "merge-file",
        "-L",
        sides.ours,
        "-L",
        sides.base,
        "-L",
        sides.theirs,
        str(ours),
        str(base),
        str(theirs),
        check=False,
    )
    if done.returncode < 0 or done.returncode > 127:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise CuratorError(f"git merge-file failed: {message}")
    return DriverResult((), sides, why or "not TOML", done.returncode)


# ---------------------------------------------------------------- naming the sides


def sides_of(top: Path, repo_path: str, env: Mapping[str, str]) -> Sides:
    """The sides of the merge or rebase git is running in `top` (where git runs its merge
    drivers); git's own "ours" and "theirs" when it cannot be told which."""
    try:
        git_dir = Path(_git(top, "rev-parse", "--absolute-git-dir"))
        rebase = git_dir / "rebase-merge"
        if rebase.is_dir():
            return _rebase_sides(top, rebase, repo_path)
        # `git merge` names the commit it merges in GITHEAD_<id>: as it was given, or its id
        merged = [
            (k.removeprefix("GITHEAD_"), v) for k, v in env.items() if k.startswith("GITHEAD_")
        ]
        if len(merged) == 1:
            commit, given = merged[0]
            branch = _git(top, "symbolic-ref", "--short", "-q", "HEAD", check=False)
            name = given if given != commit else _commit_name(top, commit, branch)
            return Sides(
                _label(branch or "HEAD", _author(top, "HEAD", repo_path)),
                _label(name, _author(top, commit, repo_path)),
            )
    except (CuratorError, OSError):
        pass
    return Sides()


def _rebase_sides(top: Path, rebase: Path, repo_path: str) -> Sides:
    """In a rebase, HEAD is the commit rebased onto, with the commits already replayed; the
    commit being replayed is the last one `done` lists."""
    onto = (rebase / "onto").read_text().strip()
    branch = (rebase / "head-name").read_text().strip().removeprefix("refs/heads/")
    upstream = _commit_name(top, onto, branch)
    if _git(top, "rev-parse", "HEAD") != onto:
        upstream += ", with the commits replayed before"
    replaying = [line.split(None, 2) for line in (rebase / "done").read_text().splitlines()]
    picked = next((f[1] for f in reversed(replaying) if len(f) >= 2 and f[0] in PICKS), None)
    theirs = Sides().theirs
    if picked is not None:
        theirs = _label(_commit_name(top, picked, ""), _author(top, picked, repo_path))
    return Sides(_label(upstream, _author(top, onto, repo_path)), theirs)


def _commit_name(top: Path, commit: str, branch: str) -> str:
    """`origin/main` when the commit is the tip of `branch`'s upstream, else its short id and
    subject."""
    if branch:
        upstream = _git(top, "rev-parse", "--abbrev-ref", f"{branch}@{{upstream}}", check=False)
        if upstream and _git(top, "rev-parse", upstream, check=False) == commit:
            return upstream
    return _git(top, "log", "-1", "--format=%h %s", commit)


def _author(top: Path, commit: str, repo_path: str) -> str:
    """Who last changed the file on that side."""
    return _git(top, "log", "-1", "--format=%an", commit, "--", repo_path, check=False)


def _label(where: str, who: str) -> str:
    """One line for a marker: `origin/main (Alice Moreau)`."""
    tail = f" ({who})" if who else ""
    where = " ".join(where.split())
    if len(where) + len(tail) > LABEL_WIDTH:
        where = where[: max(10, LABEL_WIDTH - len(tail) - 1)] + "…"
    return "".join(ch for ch in where + tail if ch.isprintable())


def _git(top: Path, *args: str, check: bool = True) -> str:
    done = plumbing.run(top, *args, env=plumbing.LITERAL, check=check)
    return "" if done.returncode else done.stdout.decode("utf-8", "replace").strip()
