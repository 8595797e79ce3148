"""A whitelisting parser for learner math input: text -> tokens -> AST.

Learner text is never handed to Python or to sympy's string parser (both can execute code).
Instead this module accepts a small grammar and rejects everything else with a message and
the 0-based position of the problem:

- numbers `12`, `0.5`, `.5` (no scientific notation here: `2e-1` means 2e - 1);
- single-letter variables (`x`, `y`, Greek letters), declared multi-letter variables, the
  constants `e`, `pi`/`π` and `oo`/`∞`/`infinity` (a declared variable `e` wins over Euler's e);
- whitelisted functions: sin cos tan sec csc cot, their inverses (`asin`/`arcsin`, ...,
  `sin^-1 x`), sinh cosh tanh sech csch coth and inverses, ln, log (natural; `log_2 x`,
  `log10(x)` and `log(x, b)` take a base), exp, sqrt/√, cbrt/∛, abs(x) and |x|;
- `+ - * / ^ **`, unicode `× · ÷ −`, superscripts `x²`, postfix factorial `n!`, brackets
  `( )` and `[ ]`, and implicit multiplication: `2x`, `3(x+1)`, `(x+1)(x-1)`, `x sin x`.

Precedence, loosest first: `+ -`; `* /` and implicit multiplication (left to right, so `1/2x`
is x/2); unary minus; `^` (right associative, so `-x^2` is -(x^2), `2^-1` is allowed and
`e^2x` is (e^2)x); postfix `!`. A function without brackets takes one monomial: `sin 2x` is
sin(2x), `sin x cos x` is sin(x)cos(x), `sin x^2` is sin(x^2); `sin^2 x` is (sin x)^2.

Resource limits keep hostile input cheap: length, token count, nesting depth, exponent size,
factorial size and the size of exact constants are all bounded while parsing, so nothing that
gets past the parser can make the LaTeX printer or the numeric checker (grading) explode.
Exponents go up to MAX_EXPONENT = 10 000, so `(x-a)^6000` can be written and is checked
exactly (see `exact`); a *constant* folded while parsing stays below MAX_NUMBER_BITS, so
`2^6000` is refused ("That number is too large to work with") while `x^6000` is fine.
The AST converts to SymPy objects with `display.to_sympy` (constructors only, unevaluated).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from math import factorial

MAX_INPUT_LENGTH = 500
MAX_TOKENS = 300
MAX_DEPTH = 30
MAX_EXPONENT = 10_000
MAX_FACTORIAL = 20
# Exact constants (folded while parsing) beyond this many bits are refused: 4096 bits is
# about 1233 digits, far beyond any exercise and still instant for Fraction arithmetic.
MAX_NUMBER_BITS = 4096


class MathSyntaxError(ValueError):
    """The input is not an expression we accept; `position` is the 0-based offending offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


# --------------------------------------------------------------------------------------------
# AST
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Node:
    """Base node; `rational` is the exact value when the subtree is a rational constant."""

    rational: Fraction | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class Num(Node):
    value: Fraction
    text: str


@dataclass(frozen=True, slots=True)
class Var(Node):
    name: str


@dataclass(frozen=True, slots=True)
class Const(Node):
    name: str  # "pi", "e" or "oo"


@dataclass(frozen=True, slots=True)
class Neg(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class Sum(Node):
    terms: tuple[tuple[bool, Node], ...]  # (subtracted?, term)


@dataclass(frozen=True, slots=True)
class Product(Node):
    factors: tuple[tuple[bool, Node], ...]  # (divisor?, factor)


@dataclass(frozen=True, slots=True)
class Power(Node):
    base: Node
    exponent: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    name: str  # a canonical function name, "abs" or "factorial"
    args: tuple[Node, ...]


def free_symbols(node: Node) -> frozenset[str]:
    """Names of the variables occurring in `node`."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Var):
            found.add(current.name)
        elif isinstance(current, Neg):
            stack.append(current.operand)
        elif isinstance(current, Sum):
            stack.extend(term for _, term in current.terms)
        elif isinstance(current, Product):
            stack.extend(factor for _, factor in current.factors)
        elif isinstance(current, Power):
            stack.extend((current.base, current.exponent))
        elif isinstance(current, Call):
            stack.extend(current.args)
    return frozenset(found)


# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

FUNCTION_NAMES: dict[str, str] = {
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "sec": "sec",
    "csc": "csc",
    "cosec": "csc",
    "cot": "cot",
    "asin": "asin",
    "arcsin": "asin",
    "acos": "acos",
    "arccos": "acos",
    "atan": "atan",
    "arctan": "atan",
    "asec": "asec",
    "arcsec": "asec",
    "acsc": "acsc",
    "arccsc": "acsc",
    "acot": "acot",
    "arccot": "acot",
    "sinh": "sinh",
    "cosh": "cosh",
    "tanh": "tanh",
    "sech": "sech",
    "csch": "csch",
    "coth": "coth",
    "asinh": "asinh",
    "arsinh": "asinh",
    "arcsinh": "asinh",
    "acosh": "acosh",
    "arcosh": "acosh",
    "arccosh": "acosh",
    "atanh": "atanh",
    "artanh": "atanh",
    "arctanh": "atanh",
    "ln": "ln",
    "log": "log",
    "exp": "exp",
    "sqrt": "sqrt",
    "cbrt": "cbrt",
    "abs": "abs",
}
# `e` is deliberately case-sensitive (E is an ordinary variable); pi and infinity are not.
CONSTANT_NAMES: dict[str, str] = {
    "e": "e",
    "pi": "pi",
    "Pi": "pi",
    "PI": "pi",
    "oo": "oo",
    "inf": "oo",
    "infinity": "oo",
    "Infinity": "oo",
}
INVERSE_FUNCTIONS: dict[str, str] = {
    "sin": "asin",
    "cos": "acos",
    "tan": "atan",
    "sec": "asec",
    "csc": "acsc",
    "cot": "acot",
    "sinh": "asinh",
    "cosh": "acosh",
    "tanh": "atanh",
}
# Functions that accept the `sin^2 x` notation (a power written on the function name).
_POWERABLE = frozenset(INVERSE_FUNCTIONS) | frozenset(INVERSE_FUNCTIONS.values()) | {"ln", "log"}
_LONGEST_BUILTIN = max(len(name) for name in (*FUNCTION_NAMES, *CONSTANT_NAMES))

_SUPERSCRIPT_DIGITS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789", strict=True))
_SUPERSCRIPT_SIGNS = {"⁻": "-", "⁺": "+"}
_OPERATORS = {
    "+": "+",
    "-": "-",
    "−": "-",
    "–": "-",
    "‐": "-",
    "*": "*",
    "×": "*",
    "·": "*",
    "⋅": "*",
    "∙": "*",
    "/": "/",
    "÷": "/",
    "∕": "/",
    "^": "^",
    "!": "!",
}
_CLOSING = {"(": ")", "[": "]"}
_GREEK_OVERRIDES = {"ϕ": "phi", "ϑ": "theta", "λ": "lambda"}
# Characters that NFKC would rewrite into something else we understand differently.
_KEEP_AS_IS = frozenset(_SUPERSCRIPT_DIGITS) | frozenset(_SUPERSCRIPT_SIGNS) | {"π", "∞"}


def _is_letter(ch: str) -> bool:
    if ch.isascii():
        return ch.isalpha()
    return ("α" <= ch <= "ω" and ch not in "πς") or ch in _GREEK_OVERRIDES


def greek_name(ch: str) -> str:
    """`θ` -> `theta`: Greek letters become variables named after their spelling."""
    if ch in _GREEK_OVERRIDES:
        return _GREEK_OVERRIDES[ch]
    return unicodedata.name(ch).rsplit(" ", 1)[-1].lower()


GREEK_BY_NAME = {
    greek_name(chr(code)): chr(code)
    for code in range(ord("α"), ord("ω") + 1)
    if chr(code) not in "πς"
}


def _describe(ch: str) -> str:
    if ch.isprintable() and not ch.isspace():
        return f"'{ch}'"
    return f"U+{ord(ch):04X}"


def _normalise_char(ch: str) -> str:
    """Fold compatibility forms (full-width letters, micro sign) one character at a time.

    Working per character keeps positions identical to the learner's text.
    """
    if ch.isascii() or ch in _KEEP_AS_IS:
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


# --------------------------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # NUM NAME CONST FUNC OP LPAR RPAR BAR COMMA END
    text: str
    pos: int
    base: Node | None = None  # the base of a `log_b` token


def _number_node(text: str, pos: int) -> Num:
    try:
        value = Fraction(Decimal(text))
    except (InvalidOperation, ValueError) as exc:  # pragma: no cover - the regex guarantees it
        raise MathSyntaxError(f"'{text}' is not a number", pos) from exc
    return Num(value, text, rational=value)


class _Lexer:
    def __init__(self, text: str, variables: frozenset[str] | None) -> None:
        self.s = "".join(_normalise_char(ch) for ch in text)
        self.variables = variables
        self.longest = max([_LONGEST_BUILTIN, *(len(v) for v in variables or ())])
        self.tokens: list[Token] = []

    def _add(self, kind: str, text: str, pos: int, base: Node | None = None) -> None:
        self.tokens.append(Token(kind, text, pos, base))
        if len(self.tokens) > MAX_TOKENS:
            raise MathSyntaxError("Your answer is too long", pos)

    def run(self) -> list[Token]:
        s, i, n = self.s, 0, len(self.s)
        while i < n:
            ch = s[i]
            if ch.isspace():
                i += 1
            elif ch in _SUPERSCRIPT_DIGITS or ch in _SUPERSCRIPT_SIGNS:
                i = self._superscript(i)
            elif "0" <= ch <= "9" or (ch == "." and i + 1 < n and "0" <= s[i + 1] <= "9"):
                i = self._number(i)
            elif ch == "*" and i + 1 < n and s[i + 1] == "*":
                self._add("OP", "^", i)
                i += 2
            elif ch in _OPERATORS:
                self._add("OP", _OPERATORS[ch], i)
                i += 1
            elif ch in _CLOSING:
                self._add("LPAR", ch, i)
                i += 1
            elif ch in ")]":
                self._add("RPAR", ch, i)
                i += 1
            elif ch == "|":
                self._add("BAR", ch, i)
                i += 1
            elif ch == ",":
                self._add("COMMA", ch, i)
                i += 1
            elif ch in "√∛":
                self._add("FUNC", "sqrt" if ch == "√" else "cbrt", i)
                i += 1
            elif ch in "π∞":
                self._add("CONST", "pi" if ch == "π" else "oo", i)
                i += 1
            elif _is_letter(ch):
                i = self._word(i)
            elif ch in "=<>":
                raise MathSyntaxError(f"Type just the expression, without '{ch}'", i)
            else:
                raise MathSyntaxError(f"Unexpected character {_describe(ch)}", i)
        self.tokens.append(Token("END", "", n))
        return self.tokens

    def _number(self, i: int) -> int:
        s, j = self.s, i
        while j < len(s) and "0" <= s[j] <= "9":
            j += 1
        if j < len(s) and s[j] == ".":
            j += 1
            while j < len(s) and "0" <= s[j] <= "9":
                j += 1
        if j < len(s) and s[j] == "." and j + 1 < len(s) and "0" <= s[j + 1] <= "9":
            raise MathSyntaxError("A number has two decimal points", j)
        self._add("NUM", s[i:j], i)
        return j

    def _superscript(self, i: int) -> int:
        s, j = self.s, i
        self._add("OP", "^", i)
        while j < len(s) and s[j] in _SUPERSCRIPT_SIGNS:
            self._add("OP", _SUPERSCRIPT_SIGNS[s[j]], j)
            j += 1
        start = j
        while j < len(s) and s[j] in _SUPERSCRIPT_DIGITS:
            j += 1
        if start == j:
            raise MathSyntaxError("A superscript sign needs superscript digits after it", i)
        self._add("NUM", "".join(_SUPERSCRIPT_DIGITS[c] for c in s[start:j]), start)
        return j

    def _word(self, i: int) -> int:
        """Split a run of letters into known names and single-letter variables (greedy)."""
        s, j = self.s, i
        while j < len(s) and _is_letter(s[j]):
            j += 1
        word = s[i:j]
        k = 0
        undeclared_in_a_row = 0
        while k < len(word):
            kind, text, size = self._piece(word, k)
            undeclared = (
                kind == "NAME" and self.variables is not None and text not in self.variables
            )
            undeclared_in_a_row = undeclared_in_a_row + 1 if undeclared else 0
            if undeclared_in_a_row >= 2:
                # `lambda`, `sni(x)`: a word we don't know rather than a product of letters.
                raise MathSyntaxError(f"Unknown word '{word}'", i)
            if kind == "FUNC" and text == "log" and k + size == len(word):
                base, j = self._log_base(j)
                self._add(kind, text, i + k, base)
            else:
                self._add(kind, text, i + k)
            k += size
        return j

    def _piece(self, word: str, k: int) -> tuple[str, str, int]:
        ch = word[k]
        if not ch.isascii():
            return "NAME", greek_name(ch), 1
        for size in range(min(self.longest, len(word) - k), 0, -1):
            piece = word[k : k + size]
            if not piece.isascii():
                continue
            if self.variables is not None and piece in self.variables:
                return "NAME", piece, size
            if size >= 2 and piece.lower() in FUNCTION_NAMES:
                return "FUNC", FUNCTION_NAMES[piece.lower()], size
            if piece in CONSTANT_NAMES:
                return "CONST", CONSTANT_NAMES[piece], size
        return "NAME", ch, 1

    def _log_base(self, j: int) -> tuple[Node | None, int]:
        """`log_2 x`, `log_b(x)` and `log10(x)`: a base written right after `log`."""
        s = self.s
        if j < len(s) and s[j] == "_":
            if j + 1 < len(s) and "0" <= s[j + 1] <= "9":
                end = j + 1
                while end < len(s) and "0" <= s[end] <= "9":
                    end += 1
                return _number_node(s[j + 1 : end], j + 1), end
            if j + 1 < len(s) and s[j + 1].isascii() and s[j + 1].isalpha():
                return Var(s[j + 1]), j + 2
            raise MathSyntaxError("Write the base after log_, like log_2(x)", j)
        if j < len(s) and "0" <= s[j] <= "9":
            end = j
            while end < len(s) and "0" <= s[end] <= "9":
                end += 1
            return _number_node(s[j:end], j), end
        return None, j


# --------------------------------------------------------------------------------------------
# Node construction with exact constant folding and size guards
# --------------------------------------------------------------------------------------------


def _guard_size(value: Fraction, pos: int) -> Fraction:
    bits = max(value.numerator.bit_length(), value.denominator.bit_length())
    if bits > MAX_NUMBER_BITS:
        raise MathSyntaxError("That number is too large to work with", pos)
    return value


def make_neg(operand: Node) -> Node:
    value = None if operand.rational is None else -operand.rational
    return Neg(operand, rational=value)


def make_sum(terms: list[tuple[bool, Node]], pos: int) -> Node:
    total: Fraction | None = Fraction(0)
    for negative, term in terms:
        if total is None or term.rational is None:
            total = None
            break
        total = total - term.rational if negative else total + term.rational
    if total is not None:
        _guard_size(total, pos)
    return Sum(tuple(terms), rational=total)


def make_product(factors: list[tuple[bool, Node]], pos: int) -> Node:
    total: Fraction | None = Fraction(1)
    for divisor, factor in factors:
        if total is None or factor.rational is None:
            total = None
            break
        if divisor:
            # Division by an exact zero is left unfolded: it is undefined, not a parse error.
            total = None if factor.rational == 0 else total / factor.rational
        else:
            total = total * factor.rational
    if total is not None:
        _guard_size(total, pos)
    return Product(tuple(factors), rational=total)


def make_power(base: Node, exponent: Node, pos: int) -> Node:
    exp_value = exponent.rational
    if exp_value is not None and abs(exp_value) > MAX_EXPONENT:
        raise MathSyntaxError(f"Exponents are limited to {MAX_EXPONENT:,}", pos)
    value: Fraction | None = None
    if base.rational is not None and exp_value is not None and exp_value.denominator == 1:
        b = base.rational
        bits = max(b.numerator.bit_length(), b.denominator.bit_length())
        if bits * abs(exp_value) > MAX_NUMBER_BITS:
            raise MathSyntaxError("That number is too large to work with", pos)
        if b != 0 or exp_value >= 0:
            value = b ** int(exp_value)
    return Power(base, exponent, rational=value)


def make_factorial(operand: Node, pos: int) -> Node:
    value = operand.rational
    if value is None:
        return Call("factorial", (operand,))
    if value.denominator != 1 or value < 0:
        raise MathSyntaxError("A factorial needs a whole number that is 0 or more", pos)
    if value > MAX_FACTORIAL:
        raise MathSyntaxError(f"Factorials are limited to {MAX_FACTORIAL}!", pos)
    return Call("factorial", (operand,), rational=Fraction(factorial(int(value))))


# --------------------------------------------------------------------------------------------
# Parser (recursive descent; depth-limited)
# --------------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0
        self.abs_depth = 0  # inside |...|, a bar closes instead of opening a new group

    def peek(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        token = self.tokens[self.i]
        if token.kind != "END":
            self.i += 1
        return token

    def is_op(self, *ops: str) -> bool:
        token = self.peek()
        return token.kind == "OP" and token.text in ops

    def descend(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise MathSyntaxError("Your answer is nested too deeply", pos)

    def parse(self) -> Node:
        if self.peek().kind == "END":
            raise MathSyntaxError("Type an expression", 0)
        node = self.sum()
        token = self.peek()
        if token.kind == "RPAR":
            raise MathSyntaxError(f"This '{token.text}' has no matching opening bracket", token.pos)
        if token.kind == "BAR":
            raise MathSyntaxError("This '|' has no matching opening '|'", token.pos)
        if token.kind != "END":
            raise MathSyntaxError(f"Unexpected '{token.text}'", token.pos)
        return node

    def sum(self) -> Node:
        first = self.term()
        terms: list[tuple[bool, Node]] = [(False, first)]
        pos = self.peek().pos
        while self.is_op("+", "-"):
            operator = self.advance()
            terms.append((operator.text == "-", self.term()))
        return first if len(terms) == 1 else make_sum(terms, pos)

    def term(self) -> Node:
        first = self.unary()
        factors: list[tuple[bool, Node]] = [(False, first)]
        pos = self.peek().pos
        while True:
            token = self.peek()
            if token.kind == "OP" and token.text in "*/":
                self.advance()
                factors.append((token.text == "/", self.unary()))
            elif token.kind in ("NAME", "CONST", "FUNC", "LPAR") or (
                token.kind == "BAR" and self.abs_depth == 0
            ):
                factors.append((False, self.power()))
            elif token.kind == "NUM":
                raise MathSyntaxError(
                    f"Put an operator (such as * or ^) before {token.text}", token.pos
                )
            else:
                break
        return first if len(factors) == 1 else make_product(factors, pos)

    def unary(self) -> Node:
        if self.is_op("-", "+"):
            operator = self.advance()
            self.descend(operator.pos)
            operand = self.unary()
            self.depth -= 1
            return make_neg(operand) if operator.text == "-" else operand
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        if self.is_op("^"):
            caret = self.advance()
            self.descend(caret.pos)
            exponent = self.exponent()
            self.depth -= 1
            return make_power(base, exponent, caret.pos)
        return base

    def exponent(self) -> Node:
        if self.is_op("-", "+"):
            operator = self.advance()
            self.descend(operator.pos)
            operand = self.exponent()
            self.depth -= 1
            return make_neg(operand) if operator.text == "-" else operand
        return self.power()

    def postfix(self) -> Node:
        node = self.primary()
        while self.is_op("!"):
            node = make_factorial(node, self.advance().pos)
        return node

    def primary(self) -> Node:
        token = self.advance()
        if token.kind == "NUM":
            return _number_node(token.text, token.pos)
        if token.kind == "NAME":
            return Var(token.text)
        if token.kind == "CONST":
            return Const(token.text)
        if token.kind == "LPAR":
            return self.bracketed(token)
        if token.kind == "BAR":
            self.descend(token.pos)
            self.abs_depth += 1
            inner = self.sum()
            closing = self.advance()
            if closing.kind != "BAR":
                raise MathSyntaxError("This '|' is never closed", token.pos)
            self.abs_depth -= 1
            self.depth -= 1
            return Call("abs", (inner,))
        if token.kind == "FUNC":
            return self.function(token)
        if token.kind == "END":
            raise MathSyntaxError("Something is missing at the end", token.pos)
        if token.kind == "RPAR":
            raise MathSyntaxError(f"Something is missing before '{token.text}'", token.pos)
        if token.kind == "OP":
            raise MathSyntaxError(f"Something is missing before '{token.text}'", token.pos)
        raise MathSyntaxError(f"Unexpected '{token.text}'", token.pos)

    def bracketed(self, opening: Token) -> Node:
        self.descend(opening.pos)
        saved_abs, self.abs_depth = self.abs_depth, 0
        inner = self.sum()
        self.expect_closing(opening)
        self.abs_depth = saved_abs
        self.depth -= 1
        return inner

    def expect_closing(self, opening: Token) -> None:
        closing = self.advance()
        if closing.kind == "END":
            raise MathSyntaxError("This bracket is never closed", opening.pos)
        if closing.kind != "RPAR":
            raise MathSyntaxError(f"Expected '{_CLOSING[opening.text]}'", closing.pos)
        if closing.text != _CLOSING[opening.text]:
            raise MathSyntaxError(
                f"'{opening.text}' is closed by '{closing.text}'; use matching brackets",
                closing.pos,
            )

    def function(self, token: Token) -> Node:
        name = token.text
        power: int | None = None
        if name in _POWERABLE and self.is_op("^"):
            caret = self.advance()
            sign = -1 if self.is_op("-") else 1
            if self.is_op("-", "+"):
                self.advance()
            number = self.advance()
            if number.kind != "NUM" or not number.text.isdigit():
                raise MathSyntaxError(f"Write {name}^2 x or {name}(x)^2", caret.pos)
            exponent = sign * int(number.text)
            if exponent == -1 and name in INVERSE_FUNCTIONS:
                name = INVERSE_FUNCTIONS[name]
            elif 1 <= exponent <= MAX_EXPONENT:
                power = exponent
            else:
                raise MathSyntaxError(f"Write {name}(x)^{exponent} for a power", caret.pos)
        self.descend(token.pos)
        nxt = self.peek()
        if nxt.kind == "LPAR":
            args = self.call_arguments(self.advance())
        elif nxt.kind in ("NUM", "NAME", "CONST", "FUNC", "BAR"):
            args = [self.bare_argument()]
        else:
            raise MathSyntaxError(f"{name} needs an argument, like {name}(x)", nxt.pos)
        self.depth -= 1
        most = 1 if (name != "log" or token.base is not None) else 2
        if len(args) > most:
            raise MathSyntaxError(
                f"{name} takes {'one argument' if most == 1 else 'one or two arguments'}",
                token.pos,
            )
        if token.base is not None:
            args.append(token.base)
        node: Node = Call(name, tuple(args))
        if power is not None:
            node = make_power(node, Num(Fraction(power), str(power), rational=Fraction(power)), 0)
        return node

    def call_arguments(self, opening: Token) -> list[Node]:
        saved_abs, self.abs_depth = self.abs_depth, 0
        args = [self.sum()]
        while self.peek().kind == "COMMA":
            self.advance()
            args.append(self.sum())
        self.expect_closing(opening)
        self.abs_depth = saved_abs
        return args

    def bare_argument(self) -> Node:
        """`sin 2x`: a function without brackets applies to one monomial."""
        pos = self.peek().pos
        factors: list[tuple[bool, Node]] = [(False, self.power())]
        while self.peek().kind in ("NAME", "CONST"):
            factors.append((False, self.power()))
        return factors[0][1] if len(factors) == 1 else make_product(factors, pos)


# --------------------------------------------------------------------------------------------
# Public parsing API
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedExpression:
    """A successfully parsed expression: its AST, its variables and the source text."""

    node: Node
    symbols: frozenset[str]
    source: str


def parse(text: str, variables: Iterable[str] | None = None) -> ParsedExpression:
    """Parse `text`; raise MathSyntaxError (with a position) for anything we don't accept.

    With `variables`, multi-letter names are recognised and runs of two or more unknown
    letters are refused as unknown words; any single letter is still allowed (it may be a
    constant of integration). With None, every single letter is a variable.
    """
    declared = None if variables is None else frozenset(variables)
    return _parse_cached(text, declared)


@lru_cache(maxsize=2048)
def _parse_cached(text: str, variables: frozenset[str] | None) -> ParsedExpression:
    if len(text) > MAX_INPUT_LENGTH:
        raise MathSyntaxError(
            f"Your answer is too long (at most {MAX_INPUT_LENGTH} characters)", MAX_INPUT_LENGTH
        )
    tokens = _Lexer(text, variables).run()
    node = _Parser(tokens).parse()
    return ParsedExpression(node, free_symbols(node), text)
