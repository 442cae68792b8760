"""The criteria language (docs/design.md §2): comparisons of a parameter with a constant, `and`, `or`.

Parsed with Python's `ast` under an allow-list of node types and never evaluated as Python.
Evaluation is three-valued (Kleene): a comparison on a parameter an item lacks is unknown.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from curator.core.model import Parameter

MAX_LENGTH = 4000
MAX_DEPTH = 40
MAX_ATOMS = 400

OPS = {ast.GtE: ">=", ast.Gt: ">", ast.LtE: "<=", ast.Lt: "<", ast.Eq: "=="}
# `1600 <= tpp` is read as `tpp >= 1600`
MIRROR = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "=="}
FLAG_WORDS = {"true": True, "false": False}

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
        v = self.value
        match self.op:
            case ">=":
                return actual >= v
            case ">":
                return actual > v
            case "<=":
                return actual <= v
            case "<":
                return actual < v
        return actual == v

    def __str__(self) -> str:
        if isinstance(self.value, bool):
            return f"{self.param} == {'true' if self.value else 'false'}"
        return f"{self.param} {self.op} {format_number(self.value)}"


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


def format_number(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


_PARSED: dict[tuple[str, tuple[tuple[str, bool], ...] | None], Expr | ExprError] = {}
_PARSED_LIMIT = 200_000


# the parameter mappings last seen (a list's own, two when a release is compared), by identity,
# with their declarations; each mapping is kept so that its id is not reused
_DECLARED: dict[int, tuple[Mapping[str, Parameter], tuple[tuple[str, bool], ...]]] = {}
_DECLARED_LIMIT = 8


def _declared(parameters: Mapping[str, Parameter] | None) -> tuple[tuple[str, bool], ...] | None:
    """The declarations as a key; a list's mapping (never changed once loaded) is asked again
    and again, so it is remembered by identity rather than sorted on every parse."""
    if parameters is None:
        return None
    known = _DECLARED.get(id(parameters))
    if known is None or known[0] is not parameters:
        if len(_DECLARED) >= _DECLARED_LIMIT:
            _DECLARED.clear()
        known = (parameters, tuple(sorted((name, p.is_flag) for name, p in parameters.items())))
        _DECLARED[id(parameters)] = known
    return known[1]


def parse(text: str, parameters: Mapping[str, Parameter] | None = None) -> Expr:
    """Parse `text`; with `parameters`, also check every name and type against them.

    Results (and refusals) are remembered per text and parameter declarations: a list with
    thousands of paragraphs is checked, weighed and diffed many times per run.
    """
    key = (text, _declared(parameters))
    found = _PARSED.get(key)
    if found is None:
        try:
            found = _parse(text, parameters)
        except ExprError as err:
            found = err
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[key] = found
    if isinstance(found, ExprError):
        raise ExprError(found.message, found.column, found.suggestion)
    return found


def _parse(text: str, parameters: Mapping[str, Parameter] | None) -> Expr:
    if not text.strip():
        raise ExprError("empty expression")
    if len(text) > MAX_LENGTH:
        raise ExprError(f"expression is longer than {MAX_LENGTH} characters", MAX_LENGTH)
    hidden = None
    if "#" in text or not text.isascii():  # the scan below only when there is something to find
        hidden = next(i for i, ch in enumerate(text) if ch == "#" or not ch.isascii())
    if hidden is not None:
        # Python would drop a `# comment` and fold look-alike letters into names: text a
        # reviewer reads must be exactly the text that is evaluated
        raise ExprError(f"{text[hidden]!r} is not part of the criteria language", hidden + 1)
    if "\n" in text or "\r" in text:
        raise ExprError(
            "expression must be on one line", text.find("\n") + 1 or text.find("\r") + 1
        )
    quick = _Quick(text, parameters)
    expr = quick.expr() or _parsed(text, parameters)
    # each comparison has an operator among the tokens: few tokens, few comparisons
    if len(quick.tokens) > MAX_ATOMS and sum(1 for _ in atoms(expr)) > MAX_ATOMS:
        raise ExprError(f"expression has more than {MAX_ATOMS} comparisons")
    return expr


def _parsed(text: str, parameters: Mapping[str, Parameter] | None) -> Expr:
    """`text` read by Python's own parser under the allow-list: the definition of the
    language, and what explains every refusal."""
    grouped = _THOUSANDS.search(text) if "," in text else None
    if grouped is not None:  # Python would read `6,000` as the tuple (6, 0)
        written = grouped.group()
        plain = written.replace(",", "")
        raise ExprError(
            f"numbers take no thousands separators: write {plain}, not {written}",
            grouped.start() + 1,
            Suggestion(grouped.start(), grouped.end(), plain),
        )
    try:
        with warnings.catch_warnings():
            # `4800or` reads as `4800 or` with a warning on stderr, and a reviewer may not see
            # where a number ends (`0x1for` is 0x1f or): refuse it as Python soon will
            warnings.simplefilter("error", SyntaxWarning)
            tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        found = _first_bad_token(text)
        if found is not None:
            raise ExprError(*found) from None
        raise ExprError(_syntax_message(err), _column(text, err.offset)) from None
    except (ValueError, RecursionError, MemoryError) as err:
        raise ExprError(f"cannot read expression: {err}") from None
    lead = len(text) - len(text.lstrip())
    return _Builder(parameters, lead).build(tree.body, 0)


# `6,000`, `1,000,000.5`: a number written with thousands separators
_THOUSANDS = re.compile(r"(?<![\w.])[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![\w.])")

# a token of the plain forms every list uses: a decimal number (no exponent, no leading zero,
# not run into a name), a name, an operator, a parenthesis or a sign
_TOKEN = re.compile(r"[ \t]*((?:[1-9][0-9]*|0)(?:\.[0-9]+)?(?![\w.])|[A-Za-z_]\w*|[<>=]=|[<>()+-])")
_QUICK_DEPTH = 8  # parentheses nested deeper go the whole way, which counts the nesting


class _Quick:
    """The same expressions `_parsed` makes of the texts written the plain way (four in five
    seconds of parsing a large list went to Python's compiler and the tree walk), and None for
    anything else — `_parsed` then reads it, and explains it if it must refuse it. A test holds
    the two equal on generated texts."""

    def __init__(self, text: str, parameters: Mapping[str, Parameter] | None) -> None:
        tokens = _TOKEN.findall(text)
        spaces = text.count(" ") + text.count("\t")
        self.whole = bool(tokens) and sum(map(len, tokens)) + spaces == len(text)
        self.tokens = [*tokens, ""]  # "" ends the text
        self.parameters = parameters
        self.at = 0
        self.depth = 0

    def expr(self) -> Expr | None:
        if not self.whole:
            return None
        found = self._joined("or")
        return found if self.tokens[self.at] == "" else None

    def _joined(self, word: str) -> Expr | None:
        """Terms joined by `word` ("or": of "and"s; "and": of comparisons and parentheses)."""
        part = (lambda: self._joined("and")) if word == "or" else self._term
        terms = [part()]
        while terms[-1] is not None and self.tokens[self.at] == word:
            self.at += 1
            terms.append(part())
        if None in terms:
            return None
        if len(terms) == 1:
            return terms[0]
        kind = Any if word == "or" else All
        return kind(_flatten(tuple(terms), kind))

    def _term(self) -> Expr | None:
        if self.tokens[self.at] != "(":
            return self._comparison()
        self.depth += 1
        self.at += 1
        if self.depth > _QUICK_DEPTH:
            return None
        inner = self._joined("or")
        if inner is None or self.tokens[self.at] != ")":
            return None
        self.at += 1
        self.depth -= 1
        return inner

    def _comparison(self) -> Expr | None:
        tokens = self.tokens
        left = self._operand()
        found = []
        while (symbol := tokens[self.at]) in _COMPARE:
            self.at += 1
            right = self._operand()
            if type(left) is str and left not in FLAG_WORDS:
                name, op, value = left, symbol, right
            elif type(right) is str and right not in FLAG_WORDS:
                name, op, value = right, MIRROR[symbol], left
            else:
                return None
            value = FLAG_WORDS.get(value, value) if type(value) is str else value
            if value is None or type(value) is str:
                return None
            if self.parameters is not None and _refusal_of(name, op, value, self.parameters):
                return None
            found.append(Atom(name, op, value))
            left = right
        if not found:
            return None
        return found[0] if len(found) == 1 else All(tuple(found))

    def _take(self) -> str:
        """The next token, taken ("" at the end, which is never taken)."""
        token = self.tokens[self.at]
        if token:
            self.at += 1
        return token

    def _operand(self) -> str | float | None:
        """A name as it is, a number as a float; None for anything else."""
        token = self._take()
        sign = 1.0
        if token == "-" or token == "+":
            sign = -1.0 if token == "-" else 1.0
            token = self._take()
            if not token[:1].isdigit():
                return None
        first = token[:1]
        if first.isdigit():
            value = float(token) * sign
            return value if math.isfinite(value) else None
        if first.isalpha() or first == "_":
            return None if keyword.iskeyword(token) else token
        return None


_COMPARE = {">=", ">", "<=", "<", "=="}


def _first_bad_token(text: str) -> tuple[str, int] | None:
    """Walk the tokens with the language's grammar to point at the first one that breaks it.

    Python's SyntaxError offset often points at the start of the line; a committee member
    needs the column of the actual mistake.
    """
    import io
    import tokenize

    expect_operand = True
    depth = 0
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    for tok in tokens:
        column = tok.start[1] + 1
        kind, value = tok.type, tok.string
        if kind in (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT):
            continue
        if kind == tokenize.ENDMARKER:
            if expect_operand:
                return "the expression ends where a value is expected", len(text.rstrip()) + 1
            if depth:
                return "a parenthesis is not closed", len(text.rstrip()) + 1
            return None
        if expect_operand:
            if value == "(":
                depth += 1
            elif value == "-" or value == "+":
                pass
            elif kind in (tokenize.NAME, tokenize.NUMBER) and value not in ("and", "or", "not"):
                expect_operand = False
            else:
                return f"unexpected '{value}' where a parameter or number is expected", column
        elif value in _COMPARE or value in ("and", "or"):
            expect_operand = True
        elif value == ")" and depth:
            depth -= 1
        else:
            return f"unexpected '{value}': expected a comparison, 'and' or 'or'", column
    return None


def _syntax_message(err: SyntaxError) -> str:
    msg = (err.msg or "syntax error").removeprefix("invalid syntax. ")
    return "not a valid expression" if msg == "invalid syntax" else msg


def _column(text: str, offset: int | None) -> int:
    lead = len(text) - len(text.lstrip())
    return max(1, (offset or 1) + lead)


class _Builder:
    def __init__(self, parameters: Mapping[str, Parameter] | None, lead: int) -> None:
        self.parameters = parameters
        self.lead = lead

    def fail(
        self, node: ast.AST, message: str, better: str | None = None, instead: ast.AST | None = None
    ) -> ExprError:
        """The error at `node`; `better` (which `message` quotes) is what to write in place of
        the text of `instead` (default: `node`)."""
        suggestion = None
        if better is not None:
            span = instead or node
            start = span.col_offset + self.lead  # type: ignore[attr-defined]
            end = span.end_col_offset + self.lead  # type: ignore[attr-defined]
            suggestion = Suggestion(start, end, better)
        return ExprError(message, getattr(node, "col_offset", 0) + 1 + self.lead, suggestion)

    def build(self, node: ast.AST, depth: int) -> Expr:
        if depth > MAX_DEPTH:
            raise self.fail(node, f"expression is nested deeper than {MAX_DEPTH}")
        if isinstance(node, ast.BoolOp):
            terms = tuple(self.build(v, depth + 1) for v in node.values)
            if isinstance(node.op, ast.And):
                return All(_flatten(terms, All))
            return Any(_flatten(terms, Any))
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Name) and node.id not in FLAG_WORDS:
            raise self.alone(node)
        raise self.fail(node, _refusal(node))

    def alone(self, node: ast.Name) -> ExprError:
        """A parameter written where a comparison belongs: its comparison is suggested."""
        name, parameters = node.id, self.parameters
        param = parameters.get(name) if parameters is not None else None
        if parameters is not None and param is None:
            close = _close(name, parameters)
            if close is None:
                return self.fail(node, f"unknown parameter '{name}'")
            better = _compared(close, parameters[close])
            message = (
                f"unknown parameter '{name}' alone is not a condition (did you mean {better}?)"
            )
            return self.fail(node, message, better)
        better = _compared(name, param)
        how = "write" if param is not None and param.is_flag else "compare it, e.g."
        return self.fail(node, f"'{name}' alone is not a condition: {how} {better}", better)

    def compare(self, node: ast.Compare) -> Expr:
        operands = [node.left, *node.comparators]
        found: list[Atom] = []
        for i, op in enumerate(node.ops):
            symbol = OPS.get(type(op))
            if symbol is None:
                raise self.fail(operands[i + 1], "only >=, >, <=, < and == compare values")
            left, right = operands[i], operands[i + 1]
            if isinstance(left, ast.Name) and left.id not in FLAG_WORDS:
                found.append(self.atom(left, symbol, right, node))
            elif isinstance(right, ast.Name) and right.id not in FLAG_WORDS:
                found.append(self.atom(right, MIRROR[symbol], left, node))
            else:
                odd = next(
                    (o for o in (left, right) if not isinstance(o, ast.Constant | ast.Name)), left
                )
                if isinstance(odd, ast.Constant | ast.Name | ast.UnaryOp):
                    raise self.fail(left, "a comparison needs a parameter name on one side")
                raise self.fail(odd, _refusal(odd))
        return found[0] if len(found) == 1 else All(tuple(found))

    def atom(self, name: ast.Name, op: str, other: ast.AST, comparison: ast.Compare) -> Atom:
        value = self.constant(other)
        refusal = _refusal_of(name.id, op, value, self.parameters)
        if refusal is None:
            return Atom(name.id, op, value)
        at = name if refusal.at_name else other
        if refusal.better is None or (refusal.whole and len(comparison.ops) > 1):
            # a whole comparison is suggested for `name op value` only when it stands alone
            raise self.fail(at, refusal.message)
        instead = comparison if refusal.whole else name
        raise self.fail(at, refusal.message, refusal.better, instead)

    def constant(self, node: ast.AST) -> float | bool:
        if isinstance(node, ast.Name) and node.id in FLAG_WORDS:
            return FLAG_WORDS[node.id]
        sign = 1
        inner = node
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            sign = -1 if isinstance(node.op, ast.USub) else 1
            inner = node.operand
        if isinstance(inner, ast.Constant) and type(inner.value) in (int, float):
            try:
                value = float(inner.value) * sign
            except OverflowError:  # an integer literal with hundreds of digits
                value = math.inf
            if not math.isfinite(value):
                raise self.fail(node, "number is too large")
            return value
        if isinstance(inner, ast.Name):
            raise self.fail(node, "compare a parameter with a number, not with another parameter")
        raise self.fail(node, _refusal(node))


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


def _flatten(terms: tuple[Expr, ...], kind: type) -> tuple[Expr, ...]:
    out: list[Expr] = []
    for term in terms:
        out.extend(term.terms if isinstance(term, kind) else (term,))
    return tuple(out)


def _refusal(node: ast.AST) -> str:
    match node:
        case ast.UnaryOp(op=ast.Not()):
            return "'not' is not part of the criteria language; invert the comparison instead"
        case ast.Call():
            return "calls are not allowed"
        case ast.Attribute():
            return "attribute access is not allowed"
        case ast.Lambda():
            return "lambdas are not allowed"
        case ast.BinOp():
            return "arithmetic is not allowed: write the threshold as one number"
        case ast.Name():  # true or false: a parameter alone is Builder.alone's
            return f"'{node.id}' alone is not a condition: compare a yes/no parameter with it"
        case ast.Constant():
            return "a constant alone is not a condition"
    return f"{type(node).__name__.lower()} is not allowed: use comparisons joined by and / or"


def _close(name: str, parameters: Mapping[str, Parameter]) -> str | None:
    import difflib

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


def evaluate(expr: Expr, params: Mapping[str, float | bool]) -> Truth:
    """Kleene three-valued evaluation: a missing parameter makes its comparison unknown."""
    if isinstance(expr, Atom):
        actual = params.get(expr.param)
        if actual is None:
            return None
        if isinstance(expr.value, bool) != isinstance(actual, bool):
            return None  # a number where a flag is expected (check reports it)
        return expr.holds(actual)
    if isinstance(expr, All):
        result: Truth = True
        for term in expr.terms:
            value = evaluate(term, params)
            if value is False:
                return False
            if value is None:
                result = None
        return result
    result = False
    for term in expr.terms:
        value = evaluate(term, params)
        if value is True:
            return True
        if value is None:
            result = None
    return result


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
            return f"{title} {words[node.op]} {_plain_number(node.value)}{unit}"
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


def _plain_number(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e15):
        mantissa, exponent = f"{value:e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        prefix = "" if mantissa == "1" else f"{mantissa} × "
        return f"{prefix}10^{int(exponent)}"
    return f"{value:,}".rstrip("0").rstrip(".") if "." in f"{value}" else f"{value:,}"
