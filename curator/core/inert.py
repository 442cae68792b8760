"""Text someone else chose, as it may reach a terminal: the characters a terminal would act on
instead of showing them, found or written as escapes such as \\x1b.

Control characters move the cursor, clear the screen, set the window title or (OSC 52) the
clipboard; bidirectional overrides and isolates reorder what is shown, so that what a reader
sees is not what is there. A tab, a line break and a Windows line break (\\r\\n) lay text out.
"""

from __future__ import annotations

import re

_ACTING = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
# in text laid out in lines (a comment's body, a command's output): all but the layout
UNSAFE = re.compile(f"[{_ACTING}]|\r(?!\n)")
# the same in text without a CR: one character class, which the engine scans several times faster
_ACTING_ALONE = re.compile(f"[{_ACTING}]")
# in text meant for one line (a git author's name, a commit subject): line breaks too, which
# would let it pass for lines of its own
UNSAFE_IN_LINE = re.compile(f"[{_ACTING}\t\n\r]")


def escaped(character: str) -> str:
    """A character as an escape: \\x1b, \\u202e."""
    return character.encode("unicode_escape").decode("ascii")


def inert(text: str, lines: bool = False) -> str:
    """`text` with every character a terminal acts on written as its escape; `lines` keeps
    the layout (tabs, line breaks)."""
    pattern = UNSAFE if lines else UNSAFE_IN_LINE
    if pattern.search(text) is None:  # nearly always: no copy made
        return text
    return pattern.sub(lambda m: escaped(m.group()), text)


def first_unsafe(text: str) -> str | None:
    """The first character of `text` (laid out in lines) a terminal would act on, escaped;
    None when there is none."""
    found = (UNSAFE if "\r" in text else _ACTING_ALONE).search(text)
    return None if found is None else escaped(found.group())


def unsafe_message(character: str) -> str:
    """What to say of text holding `character` (as `first_unsafe` gives it)."""
    return (
        f"holds {character}, a control or bidirectional character a terminal acts on "
        "instead of showing it: remove it"
    )
