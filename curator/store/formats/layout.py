"""How a list is laid out in folders, and what kind of file each path holds."""

from __future__ import annotations

FOLDERS = ("controls", "catalogue", "discussion", "public-comments")
# the list without its comments (discussion, public comments): what a diff, a publication or a first screen needs
DEFINITIONS = ("controls", "catalogue")
# the list without the public's comments: what the committee's own verbs (comment, ballot,
# status…) read — a docket can hold 10^4 of them
DELIBERATION = ("controls", "catalogue", "discussion")


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
