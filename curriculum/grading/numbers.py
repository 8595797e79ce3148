"""Reading numbers typed by learners (numeric and fact answers) exactly, as Fractions.

Nothing here converts through float: `0.1` is exactly 1/10, so tolerances behave as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

MAX_NUMBER_LENGTH = 100
MAX_DECIMAL_EXPONENT = 400

_DECIMAL = r"(?:\d+(?:\.\d*)?|\.\d+)"
_SCIENTIFIC = _DECIMAL + r"(?:[eE][+-]?\d+)?"
_NUMBER_AND_UNIT = re.compile(
    rf"""
    (?P<sign>[+-])?\s*
    (?:
        (?P<whole>\d+)\s+(?P<numerator>\d+)\s*/\s*(?P<denominator>\d+)   # 2 1/2
      | (?P<number>{_SCIENTIFIC})(?:\s*/\s*(?P<divisor>{_SCIENTIFIC}))?  # 0.5  .5  1e3  1/2
    )
    \s*(?P<unit>(?:[^\W\d_]|[°%]).*?)?
    """,
    re.VERBOSE,
)
_BARE_NUMBER = re.compile(rf"(?P<sign>[+-])?\s*(?P<number>{_DECIMAL})")
_CALCULATION = re.compile(r"[\d.)]\s*(?:[-+*/×÷:^·xX])\s*[-+]?\s*[\d.(]|[()]")
_DECIMAL_COMMA = re.compile(r"\d,\d")


class NumberFormatError(ValueError):
    """The learner's text is not a number we accept; the message says what to type instead."""


@dataclass(frozen=True, slots=True)
class TypedNumber:
    """A number read from a learner: its exact value and the unit written after it, if any."""

    value: Fraction
    unit: str | None


def normalise(text: str) -> str:
    """NFKC (full-width digits, ½ -> 1⁄2) and one spelling for minus, times and division."""
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
    """`0.5`, `.5`, `1/2`, `-3`, `1e3`, `2 1/2`, optionally followed by a unit (`5 cm`)."""
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
    if match["whole"] is not None:
        denominator = int(match["denominator"])
        if denominator == 0:
            raise NumberFormatError("A fraction cannot have 0 as its denominator.")
        value = int(match["whole"]) + Fraction(int(match["numerator"]), denominator)
    else:
        value = _decimal(match["number"])
        if match["divisor"] is not None:
            divisor = _decimal(match["divisor"])
            if divisor == 0:
                raise NumberFormatError("A fraction cannot have 0 as its denominator.")
            value /= divisor
    if match["sign"] == "-":
        value = -value
    unit = match["unit"].strip() if match["unit"] else None
    return TypedNumber(value, unit)


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
