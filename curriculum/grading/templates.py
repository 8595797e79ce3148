"""Parametrised exercises: parameter domains, reproducible variants and `{...}` templates.

A parameter declaration (`params`) maps names to integer domains:

    {"a": [2, 9],                          # inclusive range
     "n": [2, 10, 2],                      # inclusive range with a step: 2, 4, ..., 10
     "b": {"min": -5, "max": 5, "exclude": [0]},
     "k": {"choices": [1, 3, 7]},
     "c": 4,                               # a fixed value
     "constraints": ["a != b", "a*b <= 40"]}

`constraints` (reserved, not a parameter) holds comparisons (== != < <= > >=) between
arithmetic expressions of the parameters; variants are drawn until all hold.

Templates contain placeholders such as `{a*n}` or `{n-1}` whose content is integer/rational
arithmetic (`+ - * / ^`, brackets, implicit `2a`) over the declared parameters. It is read by
the small parser below, never by Python itself. `{{` and `}}` stand for literal braces.
Whole results render as `12` or `-3`; other rationals as `(3/2)` so that `x^{a/2}` stays
`x^(3/2)`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeGuard

from curriculum.grading.errors import SpecError, TemplateError

MAX_EXPRESSION_LENGTH = 200
MAX_DEPTH = 30
MAX_EXPONENT = 100
MAX_BITS = 4096
MAX_ATTEMPTS = 1000
CONSTRAINTS_KEY = "constraints"

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>\d+(?:\.\d+)?)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<cmp>==|!=|<=|>=|<|>)
      | (?P<op>\*\*|[-+*/^×÷−])
      | (?P<lpar>\()
      | (?P<rpar>\))
    )""",
    re.VERBOSE,
)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_OP_ALIASES = {"**": "^", "×": "*", "÷": "/", "−": "-"}


class _Arithmetic:
    """Recursive descent over a tiny grammar, computing exact Fractions as it goes."""

    def __init__(self, text: str, values: Mapping[str, int | Fraction]) -> None:
        if len(text) > MAX_EXPRESSION_LENGTH:
            raise TemplateError(f"'{text[:30]}...' is too long")
        self.text = text
        self.values = values
        self.tokens: list[tuple[str, str]] = []
        position = 0
        stripped = text.rstrip()
        while position < len(stripped):
            match = _TOKEN.match(stripped, position)
            if match is None or match.end() == position:
                raise TemplateError(f"Cannot read '{text}' at '{stripped[position:].strip()}'")
            kind = match.lastgroup or ""
            token = match[kind]
            self.tokens.append((kind, _OP_ALIASES.get(token, token)))
            position = match.end()
        self.tokens.append(("end", ""))
        self.i = 0
        self.depth = 0

    def fail(self, message: str) -> TemplateError:
        return TemplateError(f"In '{self.text}': {message}")

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.i]
        if token[0] != "end":
            self.i += 1
        return token

    def descend(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail("nested too deeply")

    def value(self) -> Fraction:
        result = self.sum()
        if self.peek()[0] != "end":
            raise self.fail(f"unexpected '{self.peek()[1]}'")
        return result

    def condition(self) -> bool:
        left = self.sum()
        kind, operator = self.take()
        if kind != "cmp":
            raise self.fail("a constraint needs a comparison such as != or <=")
        right = self.sum()
        if self.peek()[0] != "end":
            raise self.fail(f"unexpected '{self.peek()[1]}'")
        return {
            "==": left == right,
            "!=": left != right,
            "<": left < right,
            "<=": left <= right,
            ">": left > right,
            ">=": left >= right,
        }[operator]

    def sum(self) -> Fraction:
        total = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            _, operator = self.take()
            total = _guard(total + self.term() if operator == "+" else total - self.term())
        return total

    def term(self) -> Fraction:
        total = self.unary()
        while True:
            kind, text = self.peek()
            if (kind, text) in (("op", "*"), ("op", "/")):
                self.take()
                factor = self.unary()
                if text == "/":
                    if factor == 0:
                        raise self.fail("division by zero")
                    total = _guard(total / factor)
                else:
                    total = _guard(total * factor)
            elif kind in ("name", "lpar"):
                total = _guard(total * self.power())
            else:
                return total

    def unary(self) -> Fraction:
        if self.peek() in (("op", "-"), ("op", "+")):
            _, operator = self.take()
            self.descend()
            operand = self.unary()
            self.depth -= 1
            return -operand if operator == "-" else operand
        return self.power()

    def power(self) -> Fraction:
        base = self.atom()
        if self.peek() == ("op", "^"):
            self.take()
            self.descend()
            exponent = self.exponent()
            self.depth -= 1
            if exponent.denominator != 1:
                raise self.fail("exponents must be whole numbers")
            if abs(exponent) > MAX_EXPONENT:
                raise self.fail(f"exponents are limited to {MAX_EXPONENT}")
            if base == 0 and exponent < 0:
                raise self.fail("division by zero")
            bits = max(base.numerator.bit_length(), base.denominator.bit_length())
            if bits * abs(exponent) > MAX_BITS:
                raise self.fail("the number is too large")
            return base ** int(exponent)
        return base

    def exponent(self) -> Fraction:
        if self.peek() in (("op", "-"), ("op", "+")):
            _, operator = self.take()
            operand = self.exponent()
            return -operand if operator == "-" else operand
        return self.power()

    def atom(self) -> Fraction:
        kind, text = self.take()
        if kind == "num":
            return Fraction(Decimal(text))
        if kind == "name":
            if text not in self.values:
                raise self.fail(f"unknown parameter '{text}'")
            return Fraction(self.values[text])
        if kind == "lpar":
            self.descend()
            inner = self.sum()
            if self.take()[0] != "rpar":
                raise self.fail("missing ')'")
            self.depth -= 1
            return inner
        raise self.fail("something is missing" if kind == "end" else f"unexpected '{text}'")


def _guard(value: Fraction) -> Fraction:
    if max(value.numerator.bit_length(), value.denominator.bit_length()) > MAX_BITS:
        raise TemplateError("A placeholder's value is too large")
    return value


def arithmetic_value(text: str, values: Mapping[str, int | Fraction] | None = None) -> Fraction:
    """The exact value of `text` (e.g. `a*n`, `n-1`, `3/4`) for the given parameter values."""
    return _Arithmetic(text, values or {}).value()


def format_rational(value: Fraction) -> str:
    """`12`, `-3`, or `(3/2)` (bracketed so it can be dropped into any expression)."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"({value.numerator}/{value.denominator})"


def render_template(template: str, values: Mapping[str, int]) -> str:
    """Replace each `{expression}` by its value; `{{`/`}}` are literal braces."""
    out: list[str] = []
    i = 0
    while i < len(template):
        ch = template[i]
        if template.startswith("{{", i) or template.startswith("}}", i):
            out.append(ch)
            i += 2
        elif ch == "{":
            end = template.find("}", i + 1)
            if end == -1:
                raise TemplateError(f"'{{' at position {i} is never closed in '{template}'")
            out.append(format_rational(arithmetic_value(template[i + 1 : end], values)))
            i = end + 1
        elif ch == "}":
            raise TemplateError(f"'}}' at position {i} has no opening '{{' (write '}}}}')")
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def render_variant(text: str, values: Mapping[str, int]) -> str:
    """A learner's variant of a text: templated only when the exercise has parameters.

    Texts of exercises without parameters are never templated, so their LaTeX braces need no
    doubling.
    """
    return render_template(text, values) if values else text


def render_spec(spec: Any, values: Mapping[str, int]) -> Any:
    """A copy of a JSON spec with every string rendered as a template."""
    if isinstance(spec, str):
        return render_template(spec, values)
    if isinstance(spec, list):
        return [render_spec(item, values) for item in spec]
    if isinstance(spec, dict):
        return {key: render_spec(item, values) for key, item in spec.items()}
    return spec


# --------------------------------------------------------------------------------------------
# Parameter domains and variants
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Domain:
    values: range | tuple[int, ...]
    exclude: frozenset[int]


@dataclass(frozen=True, slots=True)
class Params:
    domains: dict[str, Domain]
    constraints: tuple[str, ...]


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _domain(name: str, declaration: Any) -> Domain:
    where = f"Parameter '{name}'"
    if _is_int(declaration):
        return Domain((int(declaration),), frozenset())
    if isinstance(declaration, list):
        if len(declaration) not in (2, 3) or not all(_is_int(item) for item in declaration):
            raise TemplateError(f"{where}: write [min, max] or [min, max, step] with integers")
        declaration = dict(zip(("min", "max", "step"), declaration, strict=False))
    if not isinstance(declaration, dict):
        raise TemplateError(f"{where}: expected [min, max], a number or an object")
    exclude = declaration.get("exclude", [])
    if not isinstance(exclude, list) or not all(_is_int(item) for item in exclude):
        raise TemplateError(f"{where}: 'exclude' must be a list of integers")
    if "choices" in declaration:
        choices = declaration["choices"]
        if not isinstance(choices, list) or not choices or not all(_is_int(c) for c in choices):
            raise TemplateError(f"{where}: 'choices' must be a non-empty list of integers")
        if set(choices) <= set(exclude):
            raise TemplateError(f"{where}: every value is excluded")
        return Domain(tuple(choices), frozenset(exclude))
    low, high, step = declaration.get("min"), declaration.get("max"), declaration.get("step", 1)
    if not (_is_int(low) and _is_int(high) and _is_int(step)):
        raise TemplateError(f"{where}: 'min', 'max' (and 'step') must be integers")
    if low > high:
        raise TemplateError(f"{where}: min ({low}) is greater than max ({high})")
    if step <= 0:
        raise TemplateError(f"{where}: the step must be positive")
    values = range(low, high + 1, step)
    if len(values) <= len(exclude) and set(values) <= set(exclude):
        raise TemplateError(f"{where}: every value is excluded")
    return Domain(values, frozenset(exclude))


def parse_params(params_spec: Mapping[str, Any]) -> Params:
    """Check a parameter declaration and turn it into domains; raise TemplateError if bad."""
    if not isinstance(params_spec, Mapping):
        raise TemplateError('Parameters must be an object like {"a": [2, 9]}')
    domains: dict[str, Domain] = {}
    for name, declaration in params_spec.items():
        if name == CONSTRAINTS_KEY:
            continue
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise TemplateError(f"'{name}' is not a valid parameter name (letters, then digits)")
        domains[name] = _domain(name, declaration)
    constraints = params_spec.get(CONSTRAINTS_KEY, [])
    if isinstance(constraints, str):
        constraints = [constraints]
    if not isinstance(constraints, list) or not all(isinstance(c, str) for c in constraints):
        raise TemplateError("'constraints' must be a list of comparisons such as \"b != 0\"")
    probe = dict.fromkeys(domains, 1)
    for constraint in constraints:
        try:
            _Arithmetic(constraint, probe).condition()
        except TemplateError as exc:
            if "division by zero" not in str(exc):
                raise
    return Params(domains, tuple(constraints))


def _satisfies(params: Params, values: Mapping[str, int]) -> bool:
    for constraint in params.constraints:
        try:
            if not _Arithmetic(constraint, values).condition():
                return False
        except TemplateError:
            return False  # e.g. a division by zero for these values: not a usable variant
    return True


def variant_for(params_spec: Mapping[str, Any], seed: str) -> dict[str, int]:
    """Reproducible parameter values for `seed` (e.g. f"{user_id}:{exercise_id}:{n}").

    `random.Random(str)` hashes the string with SHA-512, so the variant does not depend on
    PYTHONHASHSEED or on the process; parameters are drawn in name order.
    """
    params = parse_params(params_spec)
    rng = random.Random(str(seed))  # noqa: S311 - variety for exercises, not security
    names = sorted(params.domains)
    for _ in range(MAX_ATTEMPTS):
        values = {name: rng.choice(params.domains[name].values) for name in names}
        if any(values[name] in params.domains[name].exclude for name in names):
            continue
        if _satisfies(params, values):
            return values
    raise SpecError("No parameter values satisfy the constraints", field="params")


# --------------------------------------------------------------------------------------------
# Arithmetic facts
# --------------------------------------------------------------------------------------------

OperandRange = tuple[int, int] | range

_OPERATIONS = {"+": "+", "-": "−", "−": "−", "×": "×", "*": "×", "÷": "÷", "/": "÷"}


def canonical_operation(operation: Any) -> str | None:
    """`+ − × ÷` for an operation written as a spec symbol or its ASCII alias, else None."""
    if not isinstance(operation, str):
        return None
    return _OPERATIONS.get(operation.strip())


def _operands(values: OperandRange) -> range:
    if isinstance(values, range):
        return values
    low, high = values
    return range(low, high + 1)


def fact_variants(
    operation: str,
    operand1_range: OperandRange,
    operand2_range: OperandRange,
    *,
    allow_negative_results: bool = False,
) -> Iterator[tuple[int, int]]:
    """All operand pairs for generating fact exercises (tuples are inclusive bounds).

    For ÷ the pairs are exact-quotient facts: (a*b, b) for a in the first range and b != 0
    in the second, so `a` is the answer. For − pairs with a negative result are skipped
    unless `allow_negative_results`.
    """
    symbol = canonical_operation(operation)
    if symbol is None:
        raise SpecError(f"Unknown operation '{operation}'", field="operation")
    for a in _operands(operand1_range):
        for b in _operands(operand2_range):
            if symbol == "÷":
                if b != 0:
                    yield a * b, b
            elif symbol == "−" and a - b < 0 and not allow_negative_results:
                continue
            else:
                yield a, b
