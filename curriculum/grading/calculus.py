"""Symbolic derivatives of our own AST (for checking antiderivatives), bounded in size and time.

`derivative(node, name)` returns a new AST for d(node)/d(name) built with the textbook rules:
sum, product (divisors by the quotient rule), power (constant exponent: n·b^(n-1)·b';
constant base: b^e·ln(b)·e'; both varying: b^e·(e'·ln b + e·b'/b)) and the chain rule for
every whitelisted function:

    sin -> cos      cos -> -sin       tan -> 1/cos²      sec -> sec·tan   csc -> -csc·cot
    cot -> -1/sin²  asin -> 1/√(1-u²) acos -> -1/√(1-u²) atan -> 1/(1+u²)
    asec -> 1/(u²√(1-1/u²))  acsc -> -1/(u²√(1-1/u²))    acot -> -1/(1+u²)
    sinh -> cosh    cosh -> sinh      tanh -> 1/cosh²    sech -> -sech·tanh
    csch -> -csch·coth        coth -> -1/sinh²           asinh -> 1/√(u²+1)
    acosh -> 1/(√(u-1)√(u+1)) atanh -> 1/(1-u²)          exp -> exp
    ln u -> u'/u    log(u, b) = ln u / ln b (quotient rule when the base varies)
    sqrt -> 1/(2√u) cbrt -> 1/(3·cbrt(u)²)               abs(u) -> u'·u/|u|

The formulas are the principal-branch ones our numeric evaluator uses, so a derivative agrees
with the difference quotient of the original wherever the original is analytic (`abs` only
on the reals, which is where antiderivatives are compared). `factorial` (and infinity) has no
derivative here: NotDifferentiable, and the caller falls back to another method.

The result shares subtrees with its input (nodes are immutable), so the numeric evaluator can
memoise shared nodes. Its size (nodes plus edges of the shared graph) is capped at
MAX_DERIVATIVE_SIZE and a cooperative deadline is checked at every node: an answer too large
to differentiate quickly raises NotDifferentiable or DeadlineExceeded, never runs long.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from fractions import Fraction

from curriculum.grading.mathparse import (
    Call,
    Const,
    Neg,
    Node,
    Num,
    Power,
    Product,
    Sum,
    Var,
)

MAX_DERIVATIVE_SIZE = 4000


class NotDifferentiable(Exception):
    """No derivative here: a factorial, an infinity, or a result too large to be useful."""


class DeadlineExceeded(Exception):
    """The cooperative deadline of a check passed."""


class _GarbageCollectionClock(threading.local):
    started = 0.0


_gc_clock = _GarbageCollectionClock()
_gc_seconds = [0.0]  # CPU time spent in garbage collection, in whichever thread ran it


def _time_garbage_collection(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _gc_clock.started = time.thread_time()
    else:
        _gc_seconds[0] += time.thread_time() - _gc_clock.started


gc.callbacks.append(_time_garbage_collection)


class Deadline:
    """A budget of CPU time of the calling thread (and a looser one of wall time).

    CPU time of the thread is what a hostile answer can make us spend, and it does not run
    out merely because the machine is busy; the wall-time bound is a backstop. A full
    garbage collection of a large process can take longer than a whole check and may start
    during one: its time is not counted. Works in any thread (no signals). `check()` raises
    DeadlineExceeded once either budget is spent.
    """

    __slots__ = ("calls", "cpu", "gc_start", "wall")

    def __init__(self, cpu_seconds: float, wall_seconds: float) -> None:
        self.cpu = time.thread_time() + cpu_seconds
        self.wall = time.perf_counter() + wall_seconds
        self.gc_start = _gc_seconds[0]
        self.calls = 0

    def check(self) -> None:
        # Reading the clocks costs more than a node: look every 8th call (a few microseconds).
        self.calls += 1
        if self.calls & 7:
            return
        collecting = _gc_seconds[0] - self.gc_start
        if time.thread_time() - collecting > self.cpu or time.perf_counter() > self.wall:
            raise DeadlineExceeded


def number(value: int | Fraction) -> Node:
    """A numeric node carrying its exact value (the evaluator relies on `rational`).

    Shaped like the parser's output (`-3/2` is Neg(Product(3, /2))), so the printers and
    `display.to_sympy` read it too.
    """
    value = Fraction(value)
    if value < 0:
        return Neg(number(-value), rational=value)
    whole = Num(Fraction(value.numerator), str(value.numerator), rational=Fraction(value.numerator))
    if value.denominator == 1:
        return whole
    below = Num(
        Fraction(value.denominator), str(value.denominator), rational=Fraction(value.denominator)
    )
    return Product(((False, whole), (True, below)), rational=value)


ZERO = number(0)
ONE = number(1)
TWO = number(2)


def _is_zero(node: Node) -> bool:
    return node.rational == 0


def _is_one(node: Node) -> bool:
    return node.rational == 1


def _neg(node: Node) -> Node:
    if _is_zero(node):
        return ZERO
    if isinstance(node, Neg):
        return node.operand
    if node.rational is not None:
        return number(-node.rational)
    return Neg(node)


def _add(*terms: tuple[bool, Node]) -> Node:
    kept = tuple((negative, term) for negative, term in terms if not _is_zero(term))
    if not kept:
        return ZERO
    if len(kept) == 1:
        negative, term = kept[0]
        return _neg(term) if negative else term
    return Sum(kept)


def _mul(*factors: tuple[bool, Node]) -> Node:
    """A product of (divisor?, factor); zero if a multiplied factor is an exact zero."""
    if any(not divisor and _is_zero(factor) for divisor, factor in factors):
        return ZERO
    kept = tuple((divisor, factor) for divisor, factor in factors if not _is_one(factor))
    if not kept:
        return ONE
    if len(kept) == 1 and not kept[0][0]:
        return kept[0][1]
    return Product(kept)


def _times(*factors: Node) -> Node:
    return _mul(*((False, factor) for factor in factors))


def _over(numerator: Node, denominator: Node) -> Node:
    return _mul((False, numerator), (True, denominator))


def _power(base: Node, exponent: int | Fraction) -> Node:
    if exponent == 1:
        return base
    return Power(base, number(exponent))


def _call(name: str, *args: Node) -> Node:
    return Call(name, args)


def _one_plus_square(u: Node) -> Node:
    return _add((False, ONE), (False, _power(u, 2)))


def _one_minus_square(u: Node) -> Node:
    return _add((False, ONE), (True, _power(u, 2)))


# d/du f(u) for each one-argument function, as a function of u (the chain rule multiplies by u').
_RULES: dict[str, Callable[[Node], Node]] = {
    "sin": lambda u: _call("cos", u),
    "cos": lambda u: _neg(_call("sin", u)),
    "tan": lambda u: _over(ONE, _power(_call("cos", u), 2)),
    "sec": lambda u: _times(_call("sec", u), _call("tan", u)),
    "csc": lambda u: _neg(_times(_call("csc", u), _call("cot", u))),
    "cot": lambda u: _neg(_over(ONE, _power(_call("sin", u), 2))),
    "asin": lambda u: _over(ONE, _call("sqrt", _one_minus_square(u))),
    "acos": lambda u: _neg(_over(ONE, _call("sqrt", _one_minus_square(u)))),
    "atan": lambda u: _over(ONE, _one_plus_square(u)),
    "asec": lambda u: _over(
        ONE, _times(_power(u, 2), _call("sqrt", _add((False, ONE), (True, _power(u, -2)))))
    ),
    "acsc": lambda u: _neg(
        _over(ONE, _times(_power(u, 2), _call("sqrt", _add((False, ONE), (True, _power(u, -2))))))
    ),
    "acot": lambda u: _neg(_over(ONE, _one_plus_square(u))),
    "sinh": lambda u: _call("cosh", u),
    "cosh": lambda u: _call("sinh", u),
    "tanh": lambda u: _over(ONE, _power(_call("cosh", u), 2)),
    "sech": lambda u: _neg(_times(_call("sech", u), _call("tanh", u))),
    "csch": lambda u: _neg(_times(_call("csch", u), _call("coth", u))),
    "coth": lambda u: _neg(_over(ONE, _power(_call("sinh", u), 2))),
    "asinh": lambda u: _over(ONE, _call("sqrt", _one_plus_square(u))),
    "acosh": lambda u: _over(
        ONE,
        _times(
            _call("sqrt", _add((False, u), (True, ONE))),
            _call("sqrt", _add((False, u), (False, ONE))),
        ),
    ),
    "atanh": lambda u: _over(ONE, _one_minus_square(u)),
    "exp": lambda u: _call("exp", u),
    "ln": lambda u: _over(ONE, u),
    "sqrt": lambda u: _over(ONE, _times(TWO, _call("sqrt", u))),
    "cbrt": lambda u: _over(ONE, _times(number(3), _power(_call("cbrt", u), 2))),
    "abs": lambda u: _over(u, _call("abs", u)),
}
_RULES["log"] = _RULES["ln"]


class _Differentiator:
    def __init__(self, name: str, deadline: Deadline | None) -> None:
        self.name = name
        self.deadline = deadline
        self.memo: dict[int, Node] = {}
        self.depends: dict[int, bool] = {}

    def varies(self, node: Node) -> bool:
        """Whether `node` depends on the variable (memoised bottom-up, linear in the tree)."""
        key = id(node)
        known = self.depends.get(key)
        if known is not None:
            return known
        if node.rational is not None or isinstance(node, (Num, Const)):
            result = False
        elif isinstance(node, Var):
            result = node.name == self.name
        else:
            result = any(self.varies(child) for child in children(node))
        self.depends[key] = result
        return result

    def d(self, node: Node) -> Node:
        if self.deadline is not None:
            self.deadline.check()
        if not self.varies(node):
            if isinstance(node, Const) and node.name == "oo":
                raise NotDifferentiable("infinity")
            return ZERO
        key = id(node)
        if key not in self.memo:
            self.memo[key] = self._derive(node)
        return self.memo[key]

    def _derive(self, node: Node) -> Node:
        if isinstance(node, Var):
            return ONE  # only the variable itself varies
        if isinstance(node, Neg):
            return _neg(self.d(node.operand))
        if isinstance(node, Sum):
            return _add(*((negative, self.d(term)) for negative, term in node.terms))
        if isinstance(node, Product):
            return self._product(node)
        if isinstance(node, Power):
            return self._power(node)
        if isinstance(node, Call):
            return self._call(node)
        raise NotDifferentiable(type(node).__name__)

    def _product(self, node: Product) -> Node:
        """Σ_i (the other factors) · (f_i' or, for a divisor, -f_i'/f_i²)."""
        terms: list[tuple[bool, Node]] = []
        for i, (divisor, factor) in enumerate(node.factors):
            if not self.varies(factor):
                continue
            derived = self.d(factor)
            others = [pair for j, pair in enumerate(node.factors) if j != i]
            if divisor:
                terms.append((True, _mul(*others, (False, derived), (True, _power(factor, 2)))))
            else:
                terms.append((False, _mul(*others, (False, derived))))
        return _add(*terms)

    def _power(self, node: Power) -> Node:
        base, exponent = node.base, node.exponent
        if not self.varies(exponent):
            # n·b^(n-1)·b'; a rational exponent stays exact (the evaluator's integer path).
            if exponent.rational is not None:
                lowered: Node = _power(base, exponent.rational - 1)
                if exponent.rational == 1:
                    lowered = ONE
            else:
                lowered = Power(base, _add((False, exponent), (True, ONE)))
            return _times(exponent, lowered, self.d(base))
        log_base = _call("ln", base)
        if not self.varies(base):
            return _times(node, log_base, self.d(exponent))
        return _times(
            node,
            _add(
                (False, _times(self.d(exponent), log_base)),
                (False, _over(_times(exponent, self.d(base)), base)),
            ),
        )

    def _call(self, node: Call) -> Node:
        if node.name == "factorial":
            raise NotDifferentiable("factorial")
        u = node.args[0]
        if node.name == "log" and len(node.args) == 2:
            base = node.args[1]
            if not self.varies(base):
                return _over(self.d(u), _times(u, _call("ln", base)))
            # (ln u / ln b)' = (u'/u · ln b - ln u · b'/b) / (ln b)²
            log_u, log_b = _call("ln", u), _call("ln", base)
            numerator = _add(
                (False, _times(_over(self.d(u), u), log_b)),
                (True, _times(log_u, _over(self.d(base), base))),
            )
            return _over(numerator, _power(log_b, 2))
        outer = _RULES[node.name](u)
        return _times(outer, self.d(u))


def children(node: Node) -> tuple[Node, ...]:
    """The direct subtrees of `node`."""
    if isinstance(node, Neg):
        return (node.operand,)
    if isinstance(node, Sum):
        return tuple(term for _, term in node.terms)
    if isinstance(node, Product):
        return tuple(factor for _, factor in node.factors)
    if isinstance(node, Power):
        return (node.base, node.exponent)
    if isinstance(node, Call):
        return node.args
    return ()


def graph_size(node: Node) -> int:
    """Nodes plus edges of the shared graph: the cost of one memoised evaluation."""
    seen: set[int] = set()
    stack = [node]
    size = 0
    while stack:
        current = stack.pop()
        if id(current) in seen:
            size += 1
            continue
        seen.add(id(current))
        size += 1
        stack.extend(children(current))
        if size > MAX_DERIVATIVE_SIZE:
            break
    return size


def derivative(node: Node, name: str, *, deadline: Deadline | None = None) -> Node:
    """d(node)/d(name) as a new AST (see the module doc for rules and limits)."""
    result = _Differentiator(name, deadline).d(node)
    if graph_size(result) > MAX_DERIVATIVE_SIZE:
        raise NotDifferentiable("too large")
    return result
