"""The criteria language (docs/design.md §2): comparisons of a parameter with a constant, `and`, `or`.

One reader: a tokenizer and a recursive-descent parser build the expression, or refuse it with
the column of the first mistake and, where one text would mend it, a suggestion. The text is
never evaluated as Python.

One evaluator: `kleene` gives three-valued truth (a comparison on a parameter an item lacks is
unknown) over a table; one item is a table of one row (`Row`), the catalogue a table of numpy
columns (core.columns).
"""

from __future__ import annotations

import difflib
import keyword
import math
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import repeat
from typing import Any as Anything
from typing import NamedTuple, Protocol

from curator.core.model import Parameter

MAX_LENGTH = 4000
MAX_DEPTH = 40  # `and`/`or` groups within one another
MAX_PARENTHESES = 200
MAX_ATOMS = 400

# `1600 <= tpp` is read as `tpp >= 1600`
MIRROR = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "=="}
FLAG_WORDS = {"true": True, "false": False}
HOLDS: dict[str, Callable[[Anything, Anything], Anything]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}

Truth = bool | None  # None is unknown


@dataclass(frozen=True)
class Suggestion:
    """What to write instead of `expression[start:end]` (a name, a number or a comparison, as
    its error's message says): with it, the expression no longer has that error."""

    start: int  # 0-based, end exclusive
    end: int
    text: str

    def applied(self, expression: str) -> str:
        return expression[: self.start] + self.text + expression[self.end :]


class ExprError(ValueError):
    """A criteria expression that cannot be accepted; `column` is 1-based."""

    def __init__(self, message: str, column: int = 1, suggestion: Suggestion | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.suggestion = suggestion

    def __str__(self) -> str:
        return f"column {self.column}: {self.message}"


@dataclass(frozen=True)
class Atom:
    param: str
    op: str
    value: float | bool

    def holds(self, actual: float | bool) -> bool:
        return bool(HOLDS[self.op](actual, self.value))

    def __str__(self) -> str:
        return f"{self.param} {self.op} {figure(self.value, as_written=True)}"


@dataclass(frozen=True)
class All:
    terms: tuple[Expr, ...]

    def __str__(self) -> str:
        return " and ".join(_wrap(t, All) for t in self.terms)


@dataclass(frozen=True)
class Any:
    terms: tuple[Expr, ...]

    def __str__(self) -> str:
        return " or ".join(_wrap(t, Any) for t in self.terms)


Expr = Atom | All | Any


def _wrap(term: Expr, parent: type) -> str:
    return (
        f"({term})" if isinstance(term, All | Any) and not isinstance(term, parent) else str(term)
    )


def figure(value: float | bool, *, as_written: bool = False) -> str:
    """A figure or threshold as people read it — 15,832 · 5.92 · 10^-4 · 2 × 10^-3 · true — or,
    `as_written`, as the criteria language writes it: 15832 · 5.92 · 0.0001 · 2e-05 · true."""
    if isinstance(value, bool):
        return "true" if value else "false"
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number)) if as_written else f"{int(number):,}"
    if as_written:
        return repr(number)
    if number != 0 and math.isfinite(number) and (abs(number) < 1e-3 or abs(number) >= 1e15):
        mantissa, exponent = f"{number:e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        prefix = "" if mantissa == "1" else f"{mantissa} × "
        return f"{prefix}10^{int(exponent)}"
    return f"{number:,}"


class Parameters(dict[str, Parameter]):
    """A list's declared parameters, and what each criteria text read over them gave.

    The memo belongs to the loaded list (a list is checked, weighed and diffed many times per
    run), so two lists in one process never share an entry. Never changed once loaded.
    """

    __slots__ = ("read",)

    def __init__(self, declared: Mapping[str, Parameter] | None = None) -> None:
        super().__init__(declared or {})
        self.read: dict[str, Expr | ExprError] = {}

    def __reduce__(self) -> tuple[type[Parameters], tuple[dict[str, Parameter]]]:
        return Parameters, (dict(self),)  # sent to another process without the memo


def parse(text: str, parameters: Mapping[str, Parameter] | None = None) -> Expr:
    """Read `text`; with `parameters`, also check every name and type against them. A list's
    `Parameters` remember each text read over them (and each refusal)."""
    if not isinstance(parameters, Parameters):
        return _Reader(text, parameters).read()
    found = parameters.read.get(text)
    if found is None:
        try:
            found = _Reader(text, parameters).read()
        except ExprError as err:
            found = err
        parameters.read[text] = found
    if isinstance(found, ExprError):
        raise ExprError(found.message, found.column, found.suggestion)
    return found


# ---------------------------------------------------------------- the reader

# One token after optional blanks: a number (with whatever is run into it, so that `4800or`
# and `1.2.3` are one bad number), a name, an operator, a quoted text, or any other character.
_TOKEN = re.compile(
    r"""[ \t\f]*(
        (?:[0-9]|\.[0-9])(?:[eE][+-][0-9]|[\w.])*
        | [A-Za-z_]\w*
        | [<>=!]= | <> | \*\* | // | << | >> | := | ->
        | '[^']*'? | "[^"]*"?
        | .
    )""",
    re.VERBOSE | re.ASCII,
)
_DIGITS = r"[0-9](?:_?[0-9])*"
# Python's decimal literals, which the language has always accepted: 4800, 5.92, 1e-4, 1_000, .5
_DECIMAL = re.compile(
    rf"[1-9](?:_?[0-9])*|0+(?:_?0)*|(?:(?:{_DIGITS})?\.{_DIGITS}|{_DIGITS}\.)(?:[eE][+-]?{_DIGITS})?"
    rf"|{_DIGITS}[eE][+-]?{_DIGITS}"
)
_BASED = re.compile(r"0(?:[xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)")
# `6,000`, `1,000,000.5`: a number written with thousands separators
_THOUSANDS = re.compile(r"(?<![\w.])[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![\w.])")

_COMPARE = frozenset(MIRROR)
_NUMBER_START = frozenset("0123456789.")
_OTHER_COMPARISONS = frozenset({"!=", "<>", "in", "is", "not"})  # `not in`, `is not`
_ARITHMETIC = frozenset({"+", "-", "*", "/", "//", "%", "**", "@", "&", "|", "^", "<<", ">>"})
_CONSTANTS = frozenset({"True", "False", "None"})
_ARITHMETIC_REFUSED = "arithmetic is not allowed: write the threshold as one number"
_AFTER_OPERAND = {
    "(": "calls are not allowed",
    ".": "attribute access is not allowed",
    "[": "subscripts are not allowed",
    **dict.fromkeys(_ARITHMETIC, _ARITHMETIC_REFUSED),
}

_QUOTED = "quoted text is not part of the criteria language"
_NOT = "'not' is not part of the criteria language; invert the comparison instead"
_ALONE = "a constant alone is not a condition"
_OTHER_PARAMETER = "compare a parameter with a number, not with another parameter"
_CONDITION_AS_VALUE = "a condition is not a value: compare a parameter with a number"

# what an operand is, for the rules of a comparison
_NAME, _NUMBER, _SIGNED, _CONSTANT, _ODD = "name", "number", "signed", "constant", "odd"


class _Operand:
    """One side of a comparison as written: a name, a number, a signed name or number, another
    constant, or something the language refuses (`message` says why)."""

    __slots__ = ("first", "kind", "last", "message", "value")

    def __init__(
        self, kind: str, value: str | float | None, first: int, last: int, message: str = ""
    ) -> None:
        self.kind = kind
        self.value = value
        self.first = first  # its tokens (parentheses around it excluded)
        self.last = last
        self.message = message

    @property
    def parameter(self) -> str | None:
        """The parameter it names, if it is one (a bare name other than true and false)."""
        if self.kind == _NAME and self.value not in FLAG_WORDS:
            return self.value  # type: ignore[return-value]
        return None


class _Reader:
    """Reads one text: `or` of `and` of comparisons, parentheses anywhere a value may stand.

    Each method leaves `at` on the first token it did not take; errors name the column of
    the token at fault, computed only when there is one.
    """

    def __init__(self, text: str, parameters: Mapping[str, Parameter] | None) -> None:
        self.text = text
        self.parameters = parameters
        self.lead = len(text) - len(text.lstrip())
        self.end = len(text.rstrip())
        self.tokens: list[str] = []
        self.at = 0
        self.parentheses = 0
        self.comparisons = 0
        self.height = 0  # `and`/`or` groups nested in what was read last
        self.deepest = 0  # its first comparison nested deepest (a token)
        self._starts: list[int] | None = None

    def read(self) -> Expr:
        text = self.text
        if not text.strip():
            raise ExprError("empty expression")
        if len(text) > MAX_LENGTH:
            raise ExprError(f"expression is longer than {MAX_LENGTH} characters", MAX_LENGTH)
        if "#" in text or not text.isascii():
            # a reviewer reads exactly the text that is evaluated: no comments, no look-alike
            # letters from other scripts
            hidden = next(i for i, ch in enumerate(text) if ch == "#" or not ch.isascii())
            raise ExprError(f"{text[hidden]!r} is not part of the criteria language", hidden + 1)
        if "\n" in text or "\r" in text:
            raise ExprError(
                "expression must be on one line", text.find("\n") + 1 or text.find("\r") + 1
            )
        grouped = _THOUSANDS.search(text) if "," in text else None
        if grouped is not None:
            written = grouped.group()
            plain = written.replace(",", "")
            raise ExprError(
                f"numbers take no thousands separators: write {plain}, not {written}",
                grouped.start() + 1,
                Suggestion(grouped.start(), grouped.end(), plain),
            )
        self.tokens = _TOKEN.findall(text, self.lead, self.end)
        self.tokens.append("")  # the end of the text
        found = self.disjunction()
        if self.tokens[self.at]:
            raise self.unexpected_after()
        expr = self.condition(found)
        if self.height > MAX_DEPTH:
            raise self.fail(f"expression is nested deeper than {MAX_DEPTH}", self.deepest)
        if self.comparisons > MAX_ATOMS:
            raise ExprError(f"expression has more than {MAX_ATOMS} comparisons")
        return expr

    # ------------------------------------------------------------ grammar

    def disjunction(self) -> Expr | _Operand:
        """Comparisons joined by `and`, those joined by `or`."""
        tokens = self.tokens
        alternatives: list[Expr] = []
        height, deepest = 0, 0
        while True:
            found = self.comparison()
            if tokens[self.at] == "and":
                terms = [self.condition(found)]
                inner, inner_deepest = self.height, self.deepest
                while tokens[self.at] == "and":
                    self.at += 1
                    terms.append(self.condition(self.comparison()))
                    if self.height > inner:
                        inner, inner_deepest = self.height, self.deepest
                found = All(_flatten(terms, All))
                self.height, self.deepest = inner + 1, inner_deepest
            if tokens[self.at] != "or" and not alternatives:
                return found
            alternatives.append(self.condition(found))
            if self.height > height or len(alternatives) == 1:
                height, deepest = self.height, self.deepest
            if tokens[self.at] != "or":
                break
            self.at += 1
        self.height, self.deepest = height + 1, deepest
        return Any(_flatten(tuple(alternatives), Any))

    def comparison(self) -> Expr | _Operand:
        """A chain of comparisons (`1600 <= tpp < 4800`), or one operand the caller places."""
        tokens = self.tokens
        start = self.at
        if tokens[start] == "not":
            raise self.fail(_NOT, start)
        left = self.operand()
        op = tokens[self.at]
        if op not in _COMPARE:
            self.refuse_operator(op)
            return left
        found: list[Atom] = []
        whole = (start, start)
        left_at = start
        while op in _COMPARE:
            self.at += 1
            right_at = self.at
            right = self.operand()
            op_after = tokens[self.at]
            self.refuse_operator(op_after)
            if not found and op_after not in _COMPARE:  # one comparison, the usual case
                self.height, self.deepest = 0, start
                self.comparisons += 1
                return self.atom(left, left_at, op, right, right_at, (start, self.at - 1), False)
            whole = (start, self.at - 1)
            found.append(self.atom(left, left_at, op, right, right_at, whole, True))
            left, left_at, op = right, right_at, op_after
        # a chain: a suggestion for the whole comparison would not be for `name op value` alone
        self.height, self.deepest = 0, start
        self.comparisons += len(found)
        return All(tuple(found))

    def refuse_operator(self, op: str) -> None:
        """Refuses the comparisons the language has not (`!=`, `in`, `is`…) and `=`."""
        if op in _OTHER_COMPARISONS:  # !=, <>, in, is, is not, not in
            if op == "not" and self.tokens[self.at + 1] != "in":
                raise self.unexpected_after()
            self.at += 1 + (op == "not" or (op == "is" and self.tokens[self.at + 1] == "not"))
            raise self.fail("only >=, >, <=, < and == compare values", self.at)
        if op == "=":
            start = self.start(self.at)
            suggestion = Suggestion(start, start + 1, "==")
            raise self.fail("'=' does not compare: write ==", self.at, suggestion)

    def operand(self) -> Expr | _Operand:
        """A name, a number, a sign and what it signs, or a parenthesised expression."""
        tokens = self.tokens
        start = self.at
        signs = 0
        token = tokens[start]
        while token == "-" or token == "+" or token == "~":
            signs += 1 if token != "~" else 2  # `~` is never a sign of a number
            self.at += 1
            token = tokens[self.at]
        first = self.at
        found: Expr | _Operand
        if not token:
            raise self.fail("the expression ends where a value is expected", first)
        c = token[0]
        if c.isalpha() or c == "_":
            found = self.name(token, first)
        elif c in _NUMBER_START:
            found = self.number(token, first)
            self.at += 1
        elif token == "(":
            found = self.group()
        elif c == "'" or c == '"':
            self.at += 1
            found = _Operand(_CONSTANT, None, first, first, _QUOTED)
        else:
            raise self.fail(f"unexpected '{token}' where a parameter or number is expected", first)
        refused = _AFTER_OPERAND.get(tokens[self.at])
        if refused is not None:
            raise self.fail(refused, start if refused == _ARITHMETIC_REFUSED else first)
        if not signs:
            return found
        if signs == 1 and isinstance(found, _Operand) and found.kind in (_NAME, _NUMBER):
            value = found.value
            if found.kind == _NUMBER and tokens[start] == "-":
                value = -found.value  # type: ignore[operator]
            return _Operand(_SIGNED, value, start, self.at - 1)
        if signs > 1:
            message = "a number takes one sign, + or -"
        else:
            message = found.message if isinstance(found, _Operand) else _CONDITION_AS_VALUE
        return _Operand(_ODD, None, start, self.at - 1, message)

    def group(self) -> Expr | _Operand:
        opening = self.at
        self.parentheses += 1
        if self.parentheses > MAX_PARENTHESES:
            raise self.fail(f"parentheses are nested deeper than {MAX_PARENTHESES}", opening)
        self.at += 1
        inner = self.disjunction()
        if self.tokens[self.at] != ")":
            if not self.tokens[self.at]:
                raise self.fail("a parenthesis is not closed", self.at)
            raise self.unexpected_after()
        self.at += 1
        self.parentheses -= 1
        return inner

    def number(self, token: str, at: int) -> _Operand:
        if token.isdigit() and (token[0] != "0" or not token.strip("0")):
            return _Operand(_NUMBER, float(token), at, at)
        if _DECIMAL.fullmatch(token):
            return _Operand(_NUMBER, float(token), at, at)
        if _BASED.fullmatch(token):
            try:
                value = float(int(token, 0))
            except OverflowError:  # hundreds of digits
                value = math.inf
            return _Operand(_NUMBER, value, at, at)
        if token[-1] in "jJ" and _DECIMAL.fullmatch(token[:-1]):
            return _Operand(
                _CONSTANT, None, at, at, "complex numbers are not part of the criteria language"
            )
        if token.isdigit():
            raise self.fail(f"'{token}' is not a number: leave out the leading zeros", at)
        ends = re.match(r"(?:[0-9._]|[eE][+-]?(?=[0-9]))*", token)
        if ends and ends.end() < len(token) and token[ends.end()].isalpha():
            raise self.fail(
                f"'{token}' is not a number: leave a space between a number and a word", at
            )
        raise self.fail(f"'{token}' is not a number", at)

    def name(self, token: str, at: int) -> _Operand:
        if token in _CONSTANTS:
            self.at += 1
            instead = f": write {token.lower()}" if token != "None" else ""
            message = f"'{token}' is not part of the criteria language{instead}"
            return _Operand(_CONSTANT, None, at, at, message)
        if token == "lambda":  # it runs to the end of its parentheses
            depth = 0
            while self.tokens[self.at] and not (self.tokens[self.at] == ")" and depth == 0):
                depth += {"(": 1, ")": -1}.get(self.tokens[self.at], 0)
                self.at += 1
            return _Operand(_ODD, None, at, self.at - 1, "lambdas are not allowed")
        if keyword.iskeyword(token):
            raise self.fail(f"unexpected '{token}' where a parameter or number is expected", at)
        self.at += 1
        return _Operand(_NAME, token, at, at)

    # ------------------------------------------------------------ meaning

    def atom(
        self,
        left: Expr | _Operand,
        left_at: int,
        op: str,
        right: Expr | _Operand,
        right_at: int,
        whole: tuple[int, int],
        chained: bool,
    ) -> Atom:
        """One comparison of a chain, with the parameter on either side (`left_at` and
        `right_at`: the tokens each side begins at; `whole`: the comparison's first and last)."""
        if not isinstance(left, _Operand):
            left = self.as_operand(left, left_at)
        if not isinstance(right, _Operand):
            right = self.as_operand(right, right_at)
        name, value_side, param = left, right, left.parameter
        if param is None:
            name, value_side, param, op = right, left, right.parameter, MIRROR[op]
        if param is None:
            odd = next((o for o in (left, right) if o.kind == _ODD), left)
            if odd.kind != _ODD:
                raise self.fail("a comparison needs a parameter name on one side", left.first)
            raise self.fail(odd.message, odd.first)
        value = self.constant(value_side)
        refusal = _refusal_of(param, op, value, self.parameters)
        if refusal is None:
            return Atom(param, op, value)
        at = name if refusal.at_name else value_side
        if refusal.better is None or (refusal.whole and chained):
            # a whole comparison is suggested for `name op value` only when it stands alone
            raise self.fail(refusal.message, at.first)
        span = whole if refusal.whole else (name.first, name.last)
        better = Suggestion(self.start(span[0]), self.stop(span[1]), refusal.better)
        raise self.fail(refusal.message, at.first, better)

    def as_operand(self, found: Expr | _Operand, at: int) -> _Operand:
        """A side of a comparison; a condition in parentheses (at token `at`) is refused as one."""
        if isinstance(found, _Operand):
            return found
        return _Operand(_ODD, None, at + 1, at + 1, _CONDITION_AS_VALUE)

    def constant(self, side: _Operand) -> float | bool:
        if side.kind == _NAME and side.value in FLAG_WORDS:
            return FLAG_WORDS[side.value]
        if isinstance(side.value, float) and side.kind in (_NUMBER, _SIGNED):
            if not math.isfinite(side.value):
                raise self.fail("number is too large", side.first)
            return side.value
        if side.kind in (_NAME, _SIGNED):
            raise self.fail(_OTHER_PARAMETER, side.first)
        raise self.fail(side.message or _ALONE, side.first)

    def condition(self, found: Expr | _Operand) -> Expr:
        """`found` where a condition is expected: an operand alone is refused."""
        if not isinstance(found, _Operand):
            return found
        if found.parameter is not None:
            raise self.alone(found.parameter, found.first)
        if found.kind == _NAME:
            message = (
                f"'{found.value}' alone is not a condition: compare a yes/no parameter with it"
            )
            raise self.fail(message, found.first)
        if found.kind in (_NUMBER, _SIGNED) and isinstance(found.value, float):
            raise self.fail(_ALONE, found.first)
        if found.kind == _SIGNED:
            raise self.fail(_OTHER_PARAMETER, found.first)
        raise self.fail(found.message or _ALONE, found.first)

    def alone(self, name: str, at: int) -> ExprError:
        """A parameter written where a comparison belongs: its comparison is suggested."""
        parameters = self.parameters
        param = parameters.get(name) if parameters is not None else None
        span = (self.start(at), self.stop(at))
        if parameters is not None and param is None:
            close = _close(name, parameters)
            if close is None:
                return self.fail(f"unknown parameter '{name}'", at)
            better = _compared(close, parameters[close])
            message = (
                f"unknown parameter '{name}' alone is not a condition (did you mean {better}?)"
            )
            return self.fail(message, at, Suggestion(*span, better))
        better = _compared(name, param)
        how = "write" if param is not None and param.is_flag else "compare it, e.g."
        message = f"'{name}' alone is not a condition: {how} {better}"
        return self.fail(message, at, Suggestion(*span, better))

    # ------------------------------------------------------------ errors

    def fail(self, message: str, token: int, suggestion: Suggestion | None = None) -> ExprError:
        return ExprError(message, self.start(token) + 1, suggestion)

    def start(self, token: int) -> int:
        """Where token number `token` begins in the text (0-based); the end of the text for
        the end."""
        if self._starts is None:
            self._starts = [m.start(1) for m in _TOKEN.finditer(self.text, self.lead, self.end)]
        return self._starts[token] if token < len(self._starts) else self.end

    def stop(self, token: int) -> int:
        return self.start(token) + len(self.tokens[token])

    def unexpected_after(self, at: int | None = None) -> ExprError:
        at = self.at if at is None else at
        token = self.tokens[at]
        return self.fail(f"unexpected '{token}': expected a comparison, 'and' or 'or'", at)


class _Refusal(NamedTuple):
    message: str
    at_name: bool  # the name is at fault (else the value)
    better: str | None = None  # what to write instead: a name, or (whole) the comparison
    whole: bool = False


def _refusal_of(
    name: str, op: str, value: float | bool, parameters: Mapping[str, Parameter] | None
) -> _Refusal | None:
    """Why `name op value` is not a comparison of this list; None when it is one."""
    param = parameters.get(name) if parameters is not None else None
    if parameters is not None and param is None:
        close = _close(name, parameters)
        if close is None:
            return _Refusal(f"unknown parameter '{name}'", True)
        message = f"unknown parameter '{name}' (did you mean '{close}'?)"
        instead = _refusal_of(close, op, value, parameters)
        if instead is None:
            return _Refusal(message, True, close)
        if instead.better is None:
            return _Refusal(message, True)
        message = f"unknown parameter '{name}' (did you mean {instead.better}?)"
        return _Refusal(message, True, instead.better, instead.whole)
    if param is not None and not param.is_flag:
        if isinstance(value, bool):
            return _Refusal(f"'{name}' is a number, not a yes/no flag", False)
        return None
    if param is None and not isinstance(value, bool):
        return None  # an undeclared name compared with a number: nothing says it is a flag
    if isinstance(value, bool) and op == "==":
        return None
    # a yes/no parameter compared with a number, or with true or false by an order: say which
    # of `== true` and `== false` it means, when it means one of them
    meant = Atom(name, op, value)
    kind = (
        f"'{name}' is a yes/no flag"
        if param is not None
        else "a yes/no parameter is compared only with == true or == false"
    )
    if meant.holds(True) == meant.holds(False):
        return _Refusal(f"{kind}: write {name} == true or {name} == false", False)
    better = f"{name} == {'true' if meant.holds(True) else 'false'}"
    return _Refusal(f"{kind}: write {better}", False, better, whole=True)


def _compared(name: str, param: Parameter | None) -> str:
    """The comparison to suggest for a parameter written alone."""
    return f"{name} == true" if param is not None and param.is_flag else f"{name} >= 1"


def _flatten(terms: tuple[Expr, ...] | list[Expr], kind: type) -> tuple[Expr, ...]:
    out: list[Expr] = []
    for term in terms:
        out.extend(term.terms if isinstance(term, kind) else (term,))  # type: ignore[union-attr]
    return tuple(out)


def _close(name: str, parameters: Mapping[str, Parameter]) -> str | None:
    close = difflib.get_close_matches(name, list(parameters), n=1)
    return close[0] if close else None


def atoms(expr: Expr) -> Iterator[Atom]:
    if isinstance(expr, Atom):
        yield expr
    else:
        for term in expr.terms:
            yield from atoms(term)


def parameters_used(expr: Expr) -> set[str]:
    return {a.param for a in atoms(expr)}


# ---------------------------------------------------------------- the evaluator


class Table(Protocol):
    """Items' figures by parameter: `cells` gives (values, known) for a parameter read as a
    number or as a yes/no flag (a figure of the other kind is not known)."""

    def cells(self, param: str, flag: bool) -> tuple[Anything, Anything]: ...


def fits(value: object, flag: bool) -> bool:
    """Whether a figure is of the kind a comparison needs: true/false for a flag, else a number."""
    kind = type(value)
    if flag:
        return kind is bool
    return kind is float or kind is int or (isinstance(value, int | float) and kind is not bool)


class Row:
    """One item's figures as a table of one row."""

    __slots__ = ("params",)

    def __init__(self, params: Mapping[str, object]) -> None:
        self.params = params

    def cells(self, param: str, flag: bool) -> tuple[Anything, bool]:
        value = self.params.get(param)
        return (value, True) if fits(value, flag) else (0.0, False)


Constant = Callable[[Atom], Anything]


def kleene(expr: Expr, table: Table, constant: Constant | None = None) -> Kleene:
    """(is true, is false) of `expr` for each item of `table` (neither: unknown), its
    constants as written or as `constant` gives them. The only definition of the language's
    truth: a comparison is unknown for an item without a figure of its kind, an `and` is true
    when every term is and false when one is, an `or` the other way round. Works on Python
    booleans (one row) and numpy arrays (columns) alike."""
    if type(expr) is Atom:
        values, known = table.cells(expr.param, type(expr.value) is bool)
        threshold = expr.value if constant is None else constant(expr)
        is_true = known & HOLDS[expr.op](values, threshold)
        return is_true, known ^ is_true
    terms = expr.terms  # type: ignore[union-attr]
    return joined(map(kleene, terms, repeat(table), repeat(constant)), type(expr) is Any)


Kleene = tuple[Anything, Anything]  # (is true, is false): Python booleans, or numpy arrays


def all_of(parts: Iterable[Kleene]) -> Kleene:
    return joined(parts, False)


def any_of(parts: Iterable[Kleene]) -> Kleene:
    return joined(parts, True)


def joined(parts: Iterable[Kleene], by_or: bool) -> Kleene:
    """`parts` joined by `or` (`by_or`) or by `and`. A single row stops at the first part that
    decides it (true for `or`, false for `and`): the parts are made as they are asked for."""
    found = iter(parts)
    is_true, is_false = next(found)
    for t, f in found:
        if by_or:
            if is_true is True:
                break
            is_true, is_false = is_true | t, is_false & f
        else:
            if is_false is True:
                break
            is_true, is_false = is_true & t, is_false | f
    return is_true, is_false


def evaluate(expr: Expr, params: Mapping[str, object]) -> Truth:
    """`expr` for one item's figures: True, False or None (unknown)."""
    is_true, is_false = kleene(expr, Row(params))
    return True if is_true else False if is_false else None


def replace_constants(expr: Expr, param: str, new: dict[float, float]) -> Expr:
    """The same expression with constants on `param` mapped through `new`."""
    if isinstance(expr, Atom):
        if expr.param == param and not isinstance(expr.value, bool):
            return Atom(expr.param, expr.op, new.get(expr.value, expr.value))
        return expr
    return type(expr)(tuple(replace_constants(t, param, new) for t in expr.terms))


def describe(expr: Expr, parameters: Mapping[str, Parameter]) -> str:
    """Plain language for people who do not read operators: 'total processing performance ≥ 4,800'."""
    words = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}

    def one(node: Expr, top: bool) -> str:
        if isinstance(node, Atom):
            p = parameters.get(node.param)
            title = _sentence_case(p.title) if p else node.param
            if isinstance(node.value, bool):
                return f"{title}: {'yes' if node.value else 'no'}"
            unit = f" {p.unit}" if p and p.unit and p.unit.lower() not in title else ""
            return f"{title} {words[node.op]} {figure(node.value)}{unit}"
        joiner = ", and " if isinstance(node, All) else ", or "
        text = joiner.join(one(t, False) for t in node.terms)
        return text if top else f"({text})"

    return one(expr, True)


def _sentence_case(title: str) -> str:
    """'Total processing performance' → 'total processing performance'; acronyms stay."""
    first = title.split(" ", 1)[0].replace("-", "")
    if len(first) > 1 and (first[1].isupper() or not first.isalpha()):
        return title
    return title[:1].lower() + title[1:]
