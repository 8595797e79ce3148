"""Worked fraction arithmetic (common denominator, simplify by the gcd, flip and multiply) and
number-fact strategies (doubles, near doubles, make ten, skip counting, ×10 minus, split a
factor). Every step is an exact arithmetic expression; `verify.SameValue` checks each against
the one before with the grader.
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd, lcm

from curriculum.grading.display import to_latex
from curriculum.grading.mathparse import MathSyntaxError, Node, Product, parse
from tutor import verify
from tutor.steps import NoSteps, Step, Worked


def fraction_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def _signed(value: Fraction) -> str:
    text = fraction_text(value)
    return f"({text})" if value < 0 else text


def text_step(text: str, expression: str, *, rule: str, previous: str | None = None) -> Step:
    """A step arriving at `expression` (grader syntax); its LaTeX shows `previous = expression`."""
    try:
        latex = to_latex(parse(expression).node)
        before = to_latex(parse(previous).node) if previous else ""
    except MathSyntaxError as exc:
        raise NoSteps(str(exc)) from exc
    return Step(
        text=text,
        latex=f"{before} = {latex}" if before else latex,
        spoken=f"{text} {expression}",
        rule=rule,
        expression_latex=latex,
        expression=expression,
    )


class Chain:
    """Steps from a starting expression, each claimed equal to the one before."""

    def __init__(self, start: str, worked: Worked) -> None:
        self.current = start
        self.worked = worked

    def to(self, text: str, expression: str, *, rule: str) -> None:
        self.worked.steps.append(text_step(text, expression, rule=rule, previous=self.current))
        self.worked.claims.append(verify.SameValue(self.current, expression))
        self.current = expression


def _value(node: Node) -> Fraction:
    if node.rational is None:
        raise NoSteps("not a rational number")
    return node.rational


def _simplify(chain: Chain, value: Fraction, numerator: int, denominator: int) -> None:
    divisor = gcd(numerator, denominator)
    if divisor > 1:
        chain.to(
            f"Simplify: divide the numerator and the denominator by their greatest common "
            f"divisor, {divisor}.",
            fraction_text(value),
            rule="simplify by the gcd",
        )


def _add(worked: Worked, chain: Chain, left: Fraction, right: Fraction, subtract: bool) -> None:
    sign = "-" if subtract else "+"
    b, d = left.denominator, right.denominator
    a, c = left.numerator, right.numerator
    if b == d:
        worked.first_hint.append(
            Step(
                text=f"The denominators are the same ({b}): keep the denominator and "
                f"{'subtract' if subtract else 'add'} the numerators.",
                rule="same denominator",
            )
        )
        top = a - c if subtract else a + c
        chain.to(
            f"Same denominator: {'subtract' if subtract else 'add'} the numerators.",
            f"({a} {sign} {c})/{b}",
            rule="same denominator",
        )
        chain.to("Work out the numerator.", f"{top}/{b}", rule="same denominator")
        _simplify(chain, Fraction(top, b), top, b)
        return
    common = lcm(b, d)
    k, m = common // b, common // d
    worked.first_hint.append(
        Step(
            text=f"Find a common denominator of {b} and {d}: the least one is {common}.",
            rule="common denominator",
        )
    )
    if k > 1:
        worked.first_hint.append(
            text_step(
                f"Rewrite {fraction_text(left)} with denominator {common}: multiply top and "
                f"bottom by {k}.",
                f"{a * k}/{common}",
                rule="common denominator",
            )
        )
    chain.to(
        f"Use the common denominator {common}: multiply the top and the bottom of each fraction "
        "by the same number.",
        f"{a * k}/{common} {sign} {c * m}/{common}",
        rule="common denominator",
    )
    top = a * k - c * m if subtract else a * k + c * m
    chain.to(
        f"{'Subtract' if subtract else 'Add'} the numerators; the denominator stays.",
        f"{top}/{common}",
        rule="common denominator",
    )
    _simplify(chain, Fraction(top, common), top, common)


def _multiply(worked: Worked, chain: Chain, factors: list[Fraction]) -> None:
    tops = "*".join(_signed(Fraction(f.numerator)) for f in factors)
    bottoms = "*".join(str(f.denominator) for f in factors)
    worked.first_hint.append(
        Step(
            text="Multiply the numerators together and the denominators together.",
            rule="multiply fractions",
        )
    )
    chain.to(
        "Multiply the numerators together and the denominators together.",
        f"({tops})/({bottoms})",
        rule="multiply fractions",
    )
    numerator = 1
    denominator = 1
    for factor in factors:
        numerator *= factor.numerator
        denominator *= factor.denominator
    chain.to("Work out both products.", f"{numerator}/{denominator}", rule="multiply fractions")
    _simplify(chain, Fraction(numerator, denominator), numerator, denominator)


Stage = str | tuple[str, str, str] | list[str]
_SYMBOLS = {"+": "+", "-": "-", "−": "-", "×": "*", "*": "*", "÷": "/", "/": "/"}


def _operand(text: str) -> Fraction:
    try:
        return _value(parse(text).node)
    except MathSyntaxError as exc:
        raise NoSteps(str(exc)) from exc


def _stage(worked: Worked, stage: Stage) -> Fraction:
    """One calculation: a fraction to simplify, or (left, operation, right)."""
    if isinstance(stage, str):
        node = parse(stage).node
        worked.steps.append(text_step("We simplify", stage, rule=""))
        chain = Chain(stage, worked)
        numerator, denominator = _numerator_denominator(node)
        value = _value(node)
        worked.first_hint.append(
            Step(
                text="Look for a common factor of the numerator and the denominator.",
                rule="simplify",
            )
        )
        _simplify(chain, value, numerator, denominator)
        return value
    left_text, operation, right_text = stage
    symbol = _SYMBOLS.get(operation)
    if symbol is None:
        raise NoSteps("unknown operation")
    left, right = _operand(left_text), _operand(right_text)
    source = f"({left_text}) {symbol} ({right_text})"
    worked.steps.append(text_step("We work out", source, rule=""))
    chain = Chain(source, worked)
    if symbol in "+-":
        _add(worked, chain, left, right, symbol == "-")
        result = left - right if symbol == "-" else left + right
    elif symbol == "*":
        _multiply(worked, chain, [left, right])
        result = left * right
    else:
        if right == 0:
            raise NoSteps("division by zero")
        flipped = 1 / right
        worked.first_hint.append(
            Step(
                text="Dividing by a fraction is multiplying by its reciprocal: flip the "
                "second fraction.",
                rule="flip and multiply",
            )
        )
        chain.to(
            "Dividing by a fraction is multiplying by its reciprocal: flip it and multiply.",
            f"{_signed(left)} * {_signed(flipped)}",
            rule="flip and multiply",
        )
        _multiply(worked, chain, [left, flipped])
        result = left / right
    if chain.current != fraction_text(result):
        chain.to("So the result is", fraction_text(result), rule="")
    return result


def _numerator_denominator(node: Node) -> tuple[int, int]:
    if isinstance(node, Product) and len(node.factors) == 2 and node.factors[1][0]:
        top, bottom = _value(node.factors[0][1]), _value(node.factors[1][1])
        if top.denominator == 1 and bottom.denominator == 1:
            return top.numerator, bottom.numerator
    value = _value(node)
    return value.numerator, value.denominator


def arithmetic_worked(stages: list[Stage], words: str = "", as_decimal: bool = False) -> Worked:
    """Fraction arithmetic, in stages (a word problem's calculations, in order)."""
    worked = Worked(strategy="fraction arithmetic")
    if words:
        worked.steps.append(Step(text=words, spoken=words, rule="read the problem"))
        worked.first_hint.append(Step(text=words, spoken=words, rule="read the problem"))
    result = Fraction(0)
    for source in stages:
        result = _stage(worked, source)
    if as_decimal:
        places = _decimal_places(result)
        if places is None:
            raise NoSteps("not a terminating decimal")
        scale = 10**places
        scaled = f"{result.numerator * (scale // result.denominator)}/{scale}"
        chain = Chain(fraction_text(result), worked)
        chain.to(f"Write it with the denominator {scale}.", scaled, rule="decimal")
        chain.to("Read it as a decimal.", _decimal_text(result, places), rule="decimal")
    worked.result = result
    return worked


def _decimal_places(value: Fraction) -> int | None:
    for places in range(7):
        if (value * 10**places).denominator == 1:
            return places
    return None


def _decimal_text(value: Fraction, places: int) -> str:
    scaled = value.numerator * 10**places // value.denominator
    text = str(abs(scaled)).rjust(places + 1, "0")
    digits = f"{text[:-places]}.{text[-places:]}" if places else text
    return f"-{digits}" if value < 0 else digits


def scale_fraction_worked(
    fraction: str, *, numerator: int | None, denominator: int | None
) -> Worked:
    """Fill in the missing numerator (or denominator) of an equivalent fraction."""
    value = _value(parse(fraction).node)
    top, bottom = _numerator_denominator(parse(fraction).node)
    worked = Worked(strategy="equivalent fractions")
    chain = Chain(fraction, worked)
    if denominator is not None:
        factor = Fraction(denominator, bottom)
        missing = top * factor
        verb = "multiply" if factor >= 1 else "divide"
        amount = factor if factor >= 1 else 1 / factor
        worked.first_hint.append(
            Step(
                text=f"What do you {verb} {bottom} by to get {denominator}? Do the same to the "
                "numerator.",
                rule="equivalent fractions",
            )
        )
        chain.to(
            f"The denominator goes from {bottom} to {denominator}: {verb} by "
            f"{fraction_text(amount)}, and do the same to the numerator.",
            f"{fraction_text(missing)}/{denominator}",
            rule="equivalent fractions",
        )
    elif numerator is not None:
        factor = Fraction(numerator, top)
        missing = bottom * factor
        worked.first_hint.append(
            Step(
                text=f"What do you multiply {top} by to get {numerator}? Do the same to the "
                "denominator.",
                rule="equivalent fractions",
            )
        )
        chain.to(
            f"The numerator goes from {top} to {numerator}: multiply by "
            f"{fraction_text(factor)}, and do the same to the denominator.",
            f"{numerator}/{fraction_text(missing)}",
            rule="equivalent fractions",
        )
    else:
        raise NoSteps("nothing missing")
    worked.steps.append(
        text_step("The missing number is", fraction_text(missing), rule="equivalent fractions")
    )
    worked.claims.append(verify.SameValue(fraction, chain.current))
    worked.result = missing
    _ = value
    return worked


# --------------------------------------------------------------------------------------------
# Number facts
# --------------------------------------------------------------------------------------------


def fact_worked(a: int, operation: str, b: int) -> Worked:
    operation = {"-": "−", "*": "×", "/": "÷"}.get(operation, operation)
    worked = Worked()
    symbol = {"+": "+", "−": "-", "×": "*", "÷": "/"}[operation]
    start = f"{a} {symbol} {b}"
    chain = Chain(start, worked)
    hint = worked.first_hint
    if operation == "+":
        _addition(chain, hint, a, b)
    elif operation == "−":
        hint.append(
            Step(text=f"Think addition: what do you add to {b} to make {a}?", rule="think addition")
        )
        chain.to(
            f"Think addition: {b} plus what makes {a}? Count up from {b}.",
            str(a - b),
            rule="think addition",
        )
        worked.strategy = "think addition"
    elif operation == "×":
        _multiplication(chain, hint, a, b)
    elif operation == "÷":
        if b == 0 or a % b:
            raise NoSteps("not a whole division")
        hint.append(
            Step(
                text=f"Think multiplication: {b} times what makes {a}?", rule="think multiplication"
            )
        )
        chain.to(
            f"Think multiplication: {b} × {a // b} = {a}.", str(a // b), rule="think multiplication"
        )
        worked.strategy = "think multiplication"
    else:
        raise NoSteps("unknown operation")
    worked.strategy = worked.strategy or (worked.steps[0].rule if worked.steps else "")
    value = {"+": a + b, "−": a - b, "×": a * b}.get(operation, a // b if b else 0)
    if chain.current != str(value):
        chain.to("So the answer is", str(value), rule="")
    worked.result = Fraction(value)
    return worked


def _addition(chain: Chain, hint: list[Step], a: int, b: int) -> None:
    big, small = max(a, b), min(a, b)
    if small == 0:
        hint.append(Step(text="Adding 0 changes nothing.", rule="adding zero"))
        chain.to("Adding 0 changes nothing.", str(big), rule="adding zero")
    elif a == b:
        hint.append(Step(text=f"A double: {a} + {a} is double {a}.", rule="doubles"))
        chain.to(f"Doubles: twice {a}.", f"2*{a}", rule="doubles")
    elif big - small == 1:
        hint.append(
            text_step(
                f"Near doubles: start from the double {small} + {small}, then add 1.",
                f"{small} + {small}",
                rule="near doubles",
            )
        )
        chain.to("Near doubles: a double plus one.", f"{small} + {small} + 1", rule="near doubles")
        chain.to("Work out the double.", f"{2 * small} + 1", rule="near doubles")
    elif small <= 2:
        hint.append(Step(text=f"Count on {small} from {big}.", rule="counting on"))
        chain.to(f"Count on {small} from {big}.", str(big + small), rule="counting on")
    elif big == 10:
        hint.append(Step(text="Adding to 10 just fills in the ones.", rule="place value"))
        chain.to("Ten and some ones.", str(big + small), rule="place value")
    elif big < 10 and big + small > 10:
        gap = 10 - big
        hint.append(
            text_step(
                f"Make ten: take {gap} from {small} to make {big} up to 10.",
                f"{big} + {gap}",
                rule="make ten",
            )
        )
        chain.to(
            f"Make ten: split {small} into {gap} and {small - gap}.",
            f"{big} + {gap} + {small - gap}",
            rule="make ten",
        )
        chain.to(f"{big} + {gap} makes 10.", f"10 + {small - gap}", rule="make ten")
    elif big > 10:
        ones = big - 10
        hint.append(
            text_step(
                f"Split {big} into 10 and {ones}, and add the ones first.",
                f"{ones} + {small}",
                rule="split into tens and ones",
            )
        )
        chain.to(
            f"Split {big} into 10 and {ones}.",
            f"10 + {ones} + {small}",
            rule="split into tens and ones",
        )
        chain.to("Add the ones.", f"10 + {ones + small}", rule="split into tens and ones")
    else:
        hint.append(Step(text=f"Count on {small} from {big}.", rule="counting on"))
        chain.to(f"Count on {small} from {big}.", str(big + small), rule="counting on")


def _multiplication(chain: Chain, hint: list[Step], a: int, b: int) -> None:
    # The strategy follows the easier factor; the other one is "n".
    order = sorted(
        (a, b), key=lambda f: {0: 0, 1: 1, 10: 2, 2: 3, 5: 4, 9: 5, 11: 6, 4: 7}.get(f, 9)
    )
    easy, n = order
    if easy == 0:
        hint.append(Step(text="Anything times 0 is 0.", rule="times zero"))
        chain.to("Anything times 0 is 0.", "0", rule="times zero")
    elif easy == 1:
        hint.append(Step(text="Times 1 leaves a number unchanged.", rule="times one"))
        chain.to("Times 1 leaves a number unchanged.", str(n), rule="times one")
    elif easy == 10:
        hint.append(Step(text=f"Times 10: write a 0 after {n}.", rule="times ten"))
        chain.to(f"Times 10: {n} tens.", str(10 * n), rule="times ten")
    elif easy == 2:
        hint.append(Step(text=f"Times 2 is a double: {n} + {n}.", rule="doubles"))
        chain.to(f"Times 2 is a double: {n} + {n}.", f"{n} + {n}", rule="doubles")
    elif easy == 5:
        hint.append(Step(text=f"Skip count by 5, {n} times: 5, 10, 15, …", rule="skip counting"))
        chain.to(
            "Skip count by 5: " + ", ".join(str(5 * i) for i in range(1, n + 1)) + ".",
            str(5 * n),
            rule="skip counting",
        )
    elif easy == 9:
        hint.append(
            text_step(
                f"Times 9 is times 10 minus once: start with 10 × {n}.",
                f"10*{n}",
                rule="×10 minus",
            )
        )
        chain.to(f"Times 9 is times 10, minus one {n}.", f"10*{n} - {n}", rule="×10 minus")
        chain.to("Work out 10 times.", f"{10 * n} - {n}", rule="×10 minus")
    elif easy == 11 and n < 10:
        hint.append(Step(text=f"Times 11 for one digit: write {n} twice.", rule="times eleven"))
        chain.to("Times 11 is times 10 plus once.", f"10*{n} + {n}", rule="times eleven")
    elif easy == 4:
        hint.append(
            text_step(
                f"Times 4 is double double: first double {n}.", f"2*{n}", rule="double double"
            )
        )
        chain.to("Times 4 is double, then double again.", f"2*(2*{n})", rule="double double")
        chain.to("Double once.", f"2*{2 * n}", rule="double double")
    else:
        big, small = max(a, b), min(a, b)
        if small == 3:
            hint.append(
                text_step(
                    f"Times 3 is a double and one more: double {big} first.",
                    f"2*{big}",
                    rule="split a factor",
                )
            )
            chain.to("Times 3 is a double and one more.", f"2*{big} + {big}", rule="split a factor")
            chain.to("Work out the double.", f"{2 * big} + {big}", rule="split a factor")
            return
        if big >= 11:
            first, rest, other = 10, big - 10, small
        else:
            first, rest, other = 5, small - 5, big
        hint.append(
            text_step(
                f"Split a factor: {first + rest} = {first} + {rest}. Start with {first} × {other}.",
                f"{first}*{other}",
                rule="split a factor",
            )
        )
        chain.to(
            f"Split a factor: {first + rest} = {first} + {rest}.",
            f"{first}*{other} + {rest}*{other}",
            rule="split a factor",
        )
        chain.to("Work out each part.", f"{first * other} + {rest * other}", rule="split a factor")
