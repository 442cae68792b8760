"""How a list is laid out in folders, and what kind of file each path holds."""

from __future__ import annotations

from pathlib import Path

FOLDERS = ("controls", "catalogue", "discussion", "public-comments")
# the list without its comments (discussion, public comments): what a diff, a publication or a first screen needs
DEFINITIONS = ("controls", "catalogue")
# the list without the public's comments: what the committee's own verbs (comment, ballot,
# status…) read — a docket can hold 10^4 of them
DELIBERATION = ("controls", "catalogue", "discussion")
# beside the list's own folders: where controls are licensed to (store.records.destinations)
BESIDE = ("destinations", "licensing", "entities")


def beside_files(root: Path) -> list[str]:
    """The destinations and licensing files of the list at `root`, sorted; a stray file in
    these folders is named too (check says what it should be). Found without reading them,
    so that a list with none never loads what reads them."""
    found = []
    for folder in BESIDE:
        where = root / folder
        if where.is_dir():
            found += [f"{folder}/{p.name}" for p in where.iterdir() if p.suffix == ".toml"]
    return sorted(found)


def stem_of(path: str) -> str:
    """The name a list file gives its record: 3A090 for controls/3A090.toml."""
    return path.rsplit("/", 1)[-1].removesuffix(".toml")


def kind_of(path: str) -> str | None:
    parts = path.split("/")
    if parts == ["list.toml"]:
        return "list"
    if not path.endswith(".toml"):
        return None
    if len(parts) == 2 and parts[0] == "controls":
        return "control"
    if len(parts) == 2 and parts[0] == "catalogue":
        return "item"
    if len(parts) == 3 and parts[0] == "discussion":
        return "comment"
    if len(parts) == 3 and parts[0] == "public-comments":
        return "public-comment"
    return None
