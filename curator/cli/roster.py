"""member, item: the roster and the catalogue without editing TOML by hand."""

from __future__ import annotations

import argparse

from curator.cli.common import add_as, add_format, add_list, inert, list_root, print_json
from curator.core.catalogue import ItemFields
from curator.core.model import ROLES, Member
from curator.store.records import edit, roster


# where each refused field was typed, and what to do about a refusal
def register(verbs: argparse._SubParsersAction) -> None:
    top = verbs.add_parser(
        "member",
        help="the roster: list, add, remove members, change roles",
        description="The list's members in list.toml. Changes are the chair's, written in one "
        "atomic step that keeps list.toml's comments. A list has exactly one chair.",
    )
    sub = top.add_subparsers(dest="member_verb", metavar="SUB-VERB", required=True)

    p = sub.add_parser("list", help="show the members", description="Show the members.")
    add_list(p)
    add_format(p)
    p.set_defaults(func=member_list)

    p = sub.add_parser(
        "add",
        help="add a member",
        description="Add a member (chair only). Adding a chair hands the chair over: the "
        "chair before becomes a member.",
    )
    p.add_argument("member_id", metavar="ID", help="lower-case id, used in file names")
    p.add_argument("--name", required=True, help="how the member is shown")
    p.add_argument("--email", required=True, help="their `git config user.email`")
    p.add_argument("--role", default="member", metavar="ROLE", help=_roles_help())
    add_list(p)
    add_as(p)
    p.set_defaults(func=member_add)

    p = sub.add_parser(
        "remove",
        help="remove a member",
        description="Remove a member (chair only). Not the chair (hand the chair over first), "
        "nor the author of comments or controls: make them an observer instead.",
    )
    p.add_argument("member_id", metavar="ID")
    add_list(p)
    add_as(p)
    p.set_defaults(func=member_remove)

    p = sub.add_parser(
        "set-role",
        help="change a member's role; `set-role ID chair` hands the chair over",
        description="Change a member's role (chair only). Making a member chair hands the "
        "chair over: the chair before becomes a member, in the same write.",
    )
    p.add_argument("member_id", metavar="ID")
    p.add_argument("role", metavar="ROLE", help=_roles_help())
    add_list(p)
    add_as(p)
    p.set_defaults(func=member_set_role)

    top = verbs.add_parser(
        "item",
        help="the catalogue: add or change an item",
        description="Catalogue items (catalogue/ITEM.toml): real products to weigh controls "
        "against. Members may add and change them; parameters must be declared in list.toml.",
    )
    sub = top.add_subparsers(dest="item_verb", metavar="SUB-VERB", required=True)

    p = sub.add_parser(
        "new",
        help="add a catalogue item",
        description="Write a new, valid catalogue item in canonical form.",
    )
    p.add_argument("item_id", metavar="ITEM", help="lower-case id, the file name")
    _item_fields(p, new=True)
    p.set_defaults(func=item_new)

    p = sub.add_parser(
        "set",
        help="change a catalogue item",
        description="Change a catalogue item: set parameters and fields, add sources. "
        "Comments in the file are kept.",
    )
    p.add_argument("item_id", metavar="ITEM")
    _item_fields(p, new=False)
    p.set_defaults(func=item_set)


def _roles_help() -> str:
    return f"one of {', '.join(ROLES)} (default member)"


def _item_fields(p: argparse.ArgumentParser, new: bool) -> None:
    p.add_argument("--name", required=new, help="product name")
    p.add_argument("--maker", help="who designs or sells it")
    p.add_argument("--origin", metavar="XX", help="ISO 3166-1 alpha-2 code, e.g. US")
    p.add_argument("--kind", help="a kind word, e.g. ai-accelerator")
    p.add_argument("--notes", help="caveats on the figures")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a measured value of a parameter declared in list.toml (repeat for more); "
        "true or false for a flag",
    )
    p.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="SOURCE",
        help="where the figures come from: a URL or citation (repeat for more)"
        + ("; at least one" if new else "; added to the item's"),
    )
    judgement = argparse.BooleanOptionalAction if not new else "store_true"
    default = None if not new else False
    p.add_argument(
        "--mass-market",
        action=judgement,
        default=default,
        help="sold to consumers in volume: capturing it is overreach",
    )
    add_list(p)
    add_as(p)


def _fields(args: argparse.Namespace) -> ItemFields:
    return ItemFields(
        name=args.name,
        maker=args.maker,
        origin=args.origin,
        kind=args.kind,
        notes=args.notes,
        mass_market=args.mass_market,
        params=tuple(args.param),
        sources=tuple(args.source),
    )


def member_list(args: argparse.Namespace) -> int:
    manifest = roster.read_list_file(list_root(args)).manifest
    if args.format == "json":
        print_json([vars(m) for m in manifest.members])
        return 0
    width = max((len(m.id) for m in manifest.members), default=0)
    for m in manifest.members:
        email = f" <{m.email}>" if m.email else ""
        print(inert(f"{m.id:<{width}}  {m.role:<8}  {m.name}{email}"))
    return 0


def member_add(args: argparse.Namespace) -> int:
    member = Member(id=args.member_id, name=args.name, role=args.role, email=args.email.strip())
    done = roster.add_member(list_root(args), args.as_member, member)
    print(f"list.toml: added {member.id} ({member.name}) as {member.role}{done.handover()}")
    return 0


def member_remove(args: argparse.Namespace) -> int:
    roster.remove_member(list_root(args), args.as_member, args.member_id)
    print(f"list.toml: removed {args.member_id}")
    return 0


def member_set_role(args: argparse.Namespace) -> int:
    done = roster.set_role(list_root(args), args.as_member, args.member_id, args.role)
    if not done.changed:
        print(f"{args.member_id} is already {args.role}: list.toml unchanged")
    else:
        print(f"list.toml: {args.member_id} is now {args.role}{done.handover()}")
    return 0


def item_new(args: argparse.Namespace) -> int:
    root = list_root(args)
    path = edit.create_item(root, args.as_member, args.item_id, _fields(args))
    print(f"{path.relative_to(root).as_posix()}: created item {args.item_id}")
    return 0


def item_set(args: argparse.Namespace) -> int:
    root = list_root(args)
    path = edit.change_item(root, args.as_member, args.item_id, _fields(args))
    if path is None:
        print(f"catalogue/{args.item_id}.toml: unchanged")
    else:
        print(f"{path.relative_to(root).as_posix()}: updated")
    return 0
