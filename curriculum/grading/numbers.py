"""Reading numbers typed by learners (numeric and fact answers) exactly, as Fractions.

Nothing here converts through float: `0.1` is exactly 1/10, so tolerances behave as written.

A decimal also keeps how it was *written* (`Written`): its digits and power of ten, so that
significant figures, decimal places and scientific notation are judged on what the learner
typed (`1.410` has 4 significant figures, `1.41` has 3). Rule for whole numbers ending in
zeros (`1400`): their trailing zeros are ambiguous, so `1400` counts as 2, 3 or 4 significant
figures; write `1.400 × 10^3` (or `1400.`) to make them all count.

Numeric answers may also be exact constants (`3π/2`, `2√3`, `sqrt(2)/2`, `e^2`): read by
`read_numeric` with the whitelisting parser and evaluated with mpmath at `DIGITS` digits.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import mpmath  # type: ignore[import-untyped]

from curriculum.grading.mathparse import (
    Call,
    Const,
    MathSyntaxError,
    Neg,
    Node,
    Power,
    Product,
    Sum,
    parse,
)

MAX_NUMBER_LENGTH = 100
MAX_DECIMAL_EXPONENT = 400
DIGITS = 60  # working precision of exact constants; they compare equal to 1e-40 (relative)
_LARGEST_LOG = 690  # ln(1e300): larger constants are refused
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")

_DECIMAL = r"(?:\d+(?:\.\d*)?|\.\d+)"
_SCIENTIFIC = _DECIMAL + r"(?:[eE][+-]?\d+)?"
_NUMBER_AND_UNIT = re.compile(
    rf"""
    (?P<sign>[+-])?\s*
    (?:
        (?P<whole>\d+)\s+(?P<numerator>\d+)\s*/\s*(?P<denominator>\d+)   # 2 1/2
      | (?P<mantissa>{_DECIMAL})\s*[*×·⋅∙xX]\s*10\s*\^\s*               # 1.41 × 10^-3
        (?:(?P<power>[+-]?\d+)|\(\s*(?P<bracketed>[+-]?\d+)\s*\))
      | (?P<number>{_SCIENTIFIC})(?:\s*/\s*(?P<divisor>{_SCIENTIFIC}))?  # 0.5  .5  1e3  1/2
    )
    \s*(?P<unit>(?:[^\W\d_]|[°%]).*?)?
    """,
    re.VERBOSE,
)
# `10⁻³` is rewritten as `10^-3` before NFKC (which would turn it into `10-3`).
_SUPERSCRIPT_POWER = re.compile(r"10\s*([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_BARE_NUMBER = re.compile(rf"(?P<sign>[+-])?\s*(?P<number>{_DECIMAL})")
_CALCULATION = re.compile(r"[\d.)]\s*(?:[-+*/×÷:^·xX])\s*[-+]?\s*[\d.(]|[()]")
_DECIMAL_COMMA = re.compile(r"\d,\d")


class NumberFormatError(ValueError):
    """The learner's text is not a number we accept; the message says what to type instead."""


@dataclass(frozen=True, slots=True)
class Written:
    """How a decimal was typed: `1.41 × 10^-3` is mantissa "1.41", exponent -3, scientific."""

    mantissa: str  # digits with at most one point, no sign: "1.41", "0.00141", "1400", ".5"
    exponent: int  # the power of ten written after it (or after e); 0 without one
    scientific: bool  # written as a × 10^n or with an e exponent
    negative: bool = False

    @property
    def fraction_digits(self) -> int:
        _, _, fraction = self.mantissa.partition(".")
        return len(fraction)

    def significant_figures(self) -> tuple[int, int]:
        """(fewest, most) significant figures: only a whole number's trailing zeros differ."""
        digits = self.mantissa.replace(".", "").lstrip("0")
        if "." in self.mantissa:
            return len(digits), len(digits)
        return len(digits.rstrip("0")), len(digits)

    def decimal_places(self) -> int:
        """Digits after the point once the power of ten is applied (1.41e-3 has 5)."""
        return self.fraction_digits - self.exponent

    def last_place(self) -> int:
        """The power of ten of the last digit written (1.4142 -> -4, 1400 -> 0)."""
        return self.exponent - self.fraction_digits

    def is_normalised_scientific(self) -> bool:
        """a × 10^n with 1 <= |a| < 10."""
        return self.scientific and 1 <= Fraction(Decimal(self.mantissa)) < 10

    def __str__(self) -> str:
        mantissa = "0" + self.mantissa if self.mantissa.startswith(".") else self.mantissa
        sign = "-" if self.negative else ""
        return f"{sign}{mantissa} × 10^{self.exponent}" if self.scientific else sign + mantissa


@dataclass(frozen=True, slots=True)
class TypedNumber:
    """A number read from a learner: its exact value and the unit written after it, if any."""

    value: Fraction
    unit: str | None
    written: Written | None = None  # None for fractions and mixed numbers


@dataclass(frozen=True, slots=True)
class ExactConstant:
    """An exact irrational-looking number typed by a learner: `3π/2`, `2√3`, `e^2`."""

    node: Node
    approx: Any  # an mpmath mpf at DIGITS significant digits
    text: str  # as typed, whitespace collapsed


def normalise(text: str) -> str:
    """NFKC (full-width digits, ½ -> 1⁄2) and one spelling for minus, times and division."""
    text = _SUPERSCRIPT_POWER.sub(lambda m: "10^" + m[1].translate(_SUPERSCRIPTS), text)
    text = unicodedata.normalize("NFKC", text)
    for minus in "−–‐":
        text = text.replace(minus, "-")
    return text.replace("⁄", "/").replace("∕", "/").strip()


def looks_like_calculation(text: str) -> bool:
    """`7*8`, `7 x 8`, `(56)`: an operator between numbers (a leading sign doesn't count)."""
    return bool(re.search(r"\d", text)) and bool(_CALCULATION.search(text))


def _decimal(text: str) -> Fraction:
    _, _, exponent = text.lower().partition("e")
    if exponent and abs(int(exponent)) > MAX_DECIMAL_EXPONENT:
        raise NumberFormatError("That number is too large.")
    try:
        return Fraction(Decimal(text))
    except (InvalidOperation, ValueError) as exc:  # pragma: no cover - the regex guarantees it
        raise NumberFormatError("That is not a number.") from exc


def read_number(text: str) -> TypedNumber:
    """`0.5`, `.5`, `1/2`, `-3`, `1e3`, `1.41×10^-3`, `2 1/2`, optionally with a unit (`5 cm`)."""
    if len(text) > MAX_NUMBER_LENGTH:
        raise NumberFormatError("That answer is too long for a number.")
    cleaned = normalise(text)
    if not cleaned:
        raise NumberFormatError("Type a number.")
    match = _NUMBER_AND_UNIT.fullmatch(cleaned)
    if match is None:
        if _DECIMAL_COMMA.search(cleaned):
            raise NumberFormatError("Use a decimal point, like 0.5, not a comma.")
        if looks_like_calculation(cleaned):
            raise NumberFormatError(
                "Type a single number (like 0.5, 1/2 or 2 1/2), not a calculation."
            )
        raise NumberFormatError("That is not a number (try something like 0.5, 1/2 or 2 1/2).")
    negative = match["sign"] == "-"
    written: Written | None = None
    if match["whole"] is not None:
        denominator = int(match["denominator"])
        if denominator == 0:
            raise NumberFormatError("A fraction cannot have 0 as its denominator.")
        value = int(match["whole"]) + Fraction(int(match["numerator"]), denominator)
    elif match["mantissa"] is not None:
        power = match["power"] if match["power"] is not None else match["bracketed"]
        value = _decimal(f"{match['mantissa']}e{power}")
        written = Written(match["mantissa"], int(power), True, negative)
    else:
        value = _decimal(match["number"])
        if match["divisor"] is not None:
            divisor = _decimal(match["divisor"])
            if divisor == 0:
                raise NumberFormatError("A fraction cannot have 0 as its denominator.")
            value /= divisor
        else:
            mantissa, _, exponent = match["number"].lower().partition("e")
            written = Written(mantissa, int(exponent or 0), bool(exponent), negative)
    if negative:
        value = -value
    unit = match["unit"].strip() if match["unit"] else None
    return TypedNumber(value, unit, written)


# --------------------------------------------------------------------------------------------
# Exact constants: 3π/2, 2√3, sqrt(2)/2, e^2
# --------------------------------------------------------------------------------------------

# What makes an expression an exact constant rather than a calculation to do.
_CONSTANT_FUNCTIONS = frozenset({"sqrt", "cbrt", "ln", "log", "exp"})
# Authors may use any function the parser knows (`sin(1)`), learners only the above.
_AUTHOR_FUNCTIONS = frozenset(
    {
        *("sin", "cos", "tan", "sec", "csc", "cot", "asin", "acos", "atan"),
        *("asec", "acsc", "acot", "sinh", "cosh", "tanh", "sech", "csch", "coth"),
        *("asinh", "acosh", "atanh", "abs"),
    }
)


class _NotReal(ArithmeticError):
    pass


class _OutOfRange(ArithmeticError):
    """Beyond 1e±300: refused rather than computed."""


class _NotAllowed(ArithmeticError):
    """A function a learner's number may not use (sin(pi/6) is a calculation)."""


_local = threading.local()


def _context() -> Any:
    """A private mpmath context per thread (contexts carry mutable precision)."""
    ctx = getattr(_local, "ctx", None)
    if ctx is None:
        ctx = mpmath.MPContext()
        ctx.dps = DIGITS
        _local.ctx = ctx
    return ctx


def _is_constant_expression(node: Node) -> bool:
    """Whether `node` mentions pi, e, a root or a logarithm (so it is not plain arithmetic)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Const) and current.name in ("pi", "e"):
            return True
        if isinstance(current, Call) and current.name in _CONSTANT_FUNCTIONS:
            return True
        if isinstance(current, Power) and current.rational is None:
            exponent = current.exponent.rational
            if exponent is None or exponent.denominator != 1:
                return True
        if isinstance(current, Neg):
            stack.append(current.operand)
        elif isinstance(current, Sum):
            stack.extend(term for _, term in current.terms)
        elif isinstance(current, Product):
            stack.extend(factor for _, factor in current.factors)
        elif isinstance(current, Power):
            stack.extend((current.base, current.exponent))
        elif isinstance(current, Call):
            stack.extend(current.args)
    return False


def constant_value(node: Node, *, author: bool = False) -> Any:
    """The real value of a constant expression as an mpf; ArithmeticError if it has none.

    Raises ArithmeticError for non-real or huge values (|x| > 1e300) and for functions a
    learner may not use (any trigonometry unless `author`).
    """
    ctx = _context()
    allowed = _CONSTANT_FUNCTIONS | (_AUTHOR_FUNCTIONS if author else frozenset())

    def checked(value: Any) -> Any:
        if not ctx.isfinite(value):
            raise _NotReal
        if value and abs(ctx.log(abs(value))) > _LARGEST_LOG:
            raise _OutOfRange
        return value

    def value_of(current: Node) -> Any:
        if current.rational is not None:
            return checked(ctx.mpf(current.rational.numerator) / current.rational.denominator)
        if isinstance(current, Const):
            if current.name == "pi":
                return +ctx.pi
            if current.name == "e":
                return +ctx.e
            raise _NotReal
        if isinstance(current, Neg):
            return -value_of(current.operand)
        if isinstance(current, Sum):
            total = ctx.mpf(0)
            for negative, term in current.terms:
                total = total - value_of(term) if negative else total + value_of(term)
            return checked(total)
        if isinstance(current, Product):
            total = ctx.mpf(1)
            for divisor, factor in current.factors:
                factor_value = value_of(factor)
                if divisor and not factor_value:
                    raise _NotReal
                total = total / factor_value if divisor else total * factor_value
            return checked(total)
        if isinstance(current, Power):
            base = value_of(current.base)
            exponent = value_of(current.exponent)
            if base == 0:
                if exponent > 0:
                    return ctx.mpf(0)
                raise _NotReal
            exact = current.exponent.rational
            if base < 0 and (exact is None or exact.denominator != 1):
                raise _NotReal
            if abs(exponent * ctx.log(abs(base))) > _LARGEST_LOG:
                raise _OutOfRange
            return checked(ctx.power(base, exponent))
        if isinstance(current, Call) and current.name in allowed and len(current.args) == 1:
            argument = value_of(current.args[0])
            name = current.name
            if name == "sqrt":
                if argument < 0:
                    raise _NotReal
                return checked(ctx.sqrt(argument))
            if name == "cbrt":
                return checked(ctx.cbrt(argument) if argument >= 0 else -ctx.cbrt(-argument))
            if name in ("ln", "log"):
                if argument <= 0:
                    raise _NotReal
                return checked(ctx.ln(argument))
            if name == "exp":
                if argument > _LARGEST_LOG:
                    raise _OutOfRange
                return checked(ctx.exp(argument))
            if name == "abs":
                return abs(argument)
            result = getattr(ctx, name)(argument)
            if not isinstance(result, ctx.mpf):
                raise _NotReal
            return checked(result)
        if isinstance(current, Call):
            raise _NotAllowed
        raise _NotReal

    try:
        return value_of(node)
    except (ZeroDivisionError, ValueError, OverflowError) as exc:
        raise _NotReal from exc


def read_constant(text: str) -> ExactConstant | None:
    """`3π/2`, `2√3`, `sqrt(2)/2`: an exact constant, or None if `text` is not one."""
    if len(text) > MAX_NUMBER_LENGTH:
        return None
    try:
        parsed = parse(text, frozenset())
    except MathSyntaxError:
        return None
    if parsed.symbols or not _is_constant_expression(parsed.node):
        return None
    try:
        approx = constant_value(parsed.node)
    except _OutOfRange:
        raise NumberFormatError("That number is too large or too small to work with.") from None
    except _NotAllowed:
        return None
    except ArithmeticError:
        raise NumberFormatError("That is not a real number we can work with.") from None
    return ExactConstant(parsed.node, approx, " ".join(text.split()))


def read_numeric(text: str) -> TypedNumber | ExactConstant:
    """A numeric answer: a number (`read_number`) or an exact constant (`3π/2`, `2√3`)."""
    try:
        typed = read_number(text)
    except NumberFormatError:
        constant = read_constant(text)
        if constant is None:
            raise
        return constant
    if typed.unit is not None:
        constant = read_constant(text)  # `3π/2` is not 3 with the unit `π/2`
        if constant is not None:
            return constant
    return typed


def to_mpf(value: Fraction) -> Any:
    """A Fraction as an mpmath mpf at DIGITS digits."""
    ctx = _context()
    return ctx.mpf(value.numerator) / value.denominator


def fraction_of(value: Any) -> Fraction:
    """The exact binary value of an mpmath mpf as a Fraction."""
    mantissa, exponent = value.man_exp
    if exponent >= 0:
        return Fraction(int(mantissa) << int(exponent))
    return Fraction(int(mantissa), 1 << -int(exponent))


def power_of_ten(exponent: int) -> Fraction:
    """10^exponent exactly, for any whole exponent."""
    return Fraction(10**exponent) if exponent >= 0 else Fraction(1, 10**-exponent)


def round_half_away(value: Fraction, places: int) -> Fraction:
    """`value` rounded to `places` decimal places (negative: tens, hundreds), ties away from 0."""
    scale = power_of_ten(places)
    magnitude = int(abs(value) * scale + Fraction(1, 2))
    rounded = magnitude / scale
    return -rounded if value < 0 else rounded


def leading_place(value: Fraction) -> int:
    """The power of ten of the first significant digit: 0.0014 -> -3, 1400 -> 3."""
    magnitude = abs(value)
    place = len(str(magnitude.numerator)) - len(str(magnitude.denominator))
    while power_of_ten(place) > magnitude:
        place -= 1
    while power_of_ten(place + 1) <= magnitude:
        place += 1
    return place


def round_significant(value: Fraction, figures: int) -> Fraction:
    """`value` rounded to `figures` significant figures, ties away from zero."""
    if value == 0:
        return value
    return round_half_away(value, figures - 1 - leading_place(value))


def read_bare_number(text: str) -> Fraction:
    """An integer or decimal with an optional sign and nothing else (fact answers)."""
    if len(text) > MAX_NUMBER_LENGTH:
        raise NumberFormatError("That answer is too long for a number.")
    cleaned = normalise(text)
    if not cleaned:
        raise NumberFormatError("Type a number.")
    match = _BARE_NUMBER.fullmatch(cleaned)
    if match is None:
        if looks_like_calculation(cleaned):
            raise NumberFormatError("Type the number itself, not a calculation.")
        if _DECIMAL_COMMA.search(cleaned):
            raise NumberFormatError("Use a decimal point, like 0.5, not a comma.")
        raise NumberFormatError("That is not a number.")
    value = Fraction(Decimal(match["number"]))
    return -value if match["sign"] == "-" else value


def normalise_unit(unit: str) -> str:
    """`cm²`, `cm^2` and `cm 2` compare equal; case is significant (mm is not Mm)."""
    return re.sub(r"[\s^]", "", unicodedata.normalize("NFKC", unit))


def terminating_decimal_places(value: Fraction) -> int | None:
    """How many decimals `value` needs, or None if its decimal expansion never ends."""
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    return max(twos, fives) if denominator == 1 else None


def format_number(value: Fraction) -> str:
    """`56`, `0.5`, `-2.25`, or `1/3` when the decimal expansion would not end."""
    if value.denominator == 1:
        return str(value.numerator)
    places = terminating_decimal_places(value)
    if places is None:
        return f"{value.numerator}/{value.denominator}"
    scaled = abs(value.numerator) * (10**places // value.denominator)
    digits = str(scaled).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}"
