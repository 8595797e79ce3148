"""Worked steps: what the tutor shows (`Step`, `Explanation`) and what builders return (`Worked`).

A builder returns a `Worked`: the steps for the learner plus the claims that justify them
(`tutor.verify`). Steps are never shown unless every claim holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tutor import verify
from tutor.symbolic import NotRepresentable, latex_of, size_of, spoken_of, text_of

MAX_FUNCTION_SIZE = 60  # SymPy operations in a function the tutor will work on
MAX_STEPS = 40


class NoSteps(Exception):
    """The tutor has no worked steps for this (too big, or a rule it does not explain)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One line of a worked solution.

    `text` is plain words, `latex` the step's mathematics for KaTeX, `spoken` the same for a
    screen reader, `rule` the rule's name ("chain rule"), `expression_latex` the expression the
    step arrives at ("" when it arrives at none) and `expression` that expression in the
    grader's syntax, for checks ("" likewise).
    """

    text: str
    latex: str = ""
    spoken: str = ""
    rule: str = ""
    expression_latex: str = ""
    expression: str = ""


@dataclass(frozen=True, slots=True)
class Explanation:
    """Worked steps; `verified` is True only when the grader checked every one of them."""

    steps: list[Step]
    verified: bool
    summary: str


@dataclass
class Worked:
    steps: list[Step] = field(default_factory=list)
    claims: list[verify.Claim] = field(default_factory=list)
    result: Any = None
    strategy: str = ""
    first_hint: list[Step] = field(default_factory=list)  # for "Help me": never the answer
    definite: bool = False  # a definite integral: a number, no constant of integration


def step(text: str, *, rule: str = "", latex: str = "", result: Any = None) -> Step:
    """A step; `result` (a SymPy object) fills the expression fields and the spoken text."""
    if result is None:
        return Step(text=text, latex=latex, spoken=text, rule=rule)
    try:
        return Step(
            text=text,
            latex=latex,
            spoken=f"{text} Result: {spoken_of(result)}",
            rule=rule,
            expression_latex=latex_of(result),
            expression=text_of(result),
        )
    except NotRepresentable as exc:
        raise NoSteps(str(exc)) from exc


def tex(expr: Any) -> str:
    try:
        return latex_of(expr)
    except NotRepresentable as exc:
        raise NoSteps(str(exc)) from exc


def guard_size(expr: Any) -> None:
    if size_of(expr) > MAX_FUNCTION_SIZE:
        raise NoSteps("too large")


def spoken_of_safe(expr: Any) -> str:
    try:
        return spoken_of(expr)
    except NotRepresentable as exc:
        raise NoSteps(str(exc)) from exc


def text_of_safe(expr: Any) -> str:
    try:
        return text_of(expr)
    except NotRepresentable as exc:
        raise NoSteps(str(exc)) from exc
