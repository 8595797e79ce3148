"""The tutor's mathematical core: worked steps and misconception diagnosis, verified by the grader.

Pure (no database, no views); the app's models, providers, API and pages sit on top of it.

Entry points (all keyword-typed; `kind` and `spec` are the exercise's kind and answer spec,
`values` a parametrised exercise's variant, `prompt_hint` its stored prompt):

``explain(kind, spec, *, values=None, prompt_hint=None) -> Explanation``
    "Explain" after an answer: worked steps to the expected answer. ``Explanation(steps,
    verified, summary)``; a ``Step`` has ``text`` (plain words), ``latex`` (KaTeX of the step),
    ``spoken`` (plain text for screen readers, through ``display.to_text``), ``rule`` ("chain
    rule", "u-substitution", "make ten", ...), ``expression_latex`` and ``expression`` (the
    expression the step arrives at, in the grader's syntax; "" when none). ``verified`` is True
    only when every claim behind the steps holds (`tutor.verify`: each rewrite equivalent to the
    one before by ``equivalence.compare``, each derivative checked by the grader's own
    differentiator, each antiderivative by differentiating it back, each limit value by SymPy)
    and the last result is the expected answer by the grader. Anything else gets one short
    generic step and ``verified=False``: an unverified chain is never shown.

``help_before_answer(kind, spec, *, values=None, prompt_hint=None) -> Explanation``
    "Help me" before answering: the strategy and the first step(s); no step's expression is
    equivalent to the expected answer (checked with the grader before returning).

``diagnose(kind, spec, response, *, values=None, prompt_hint=None) -> Diagnosis | None``
    After a wrong answer: ``Diagnosis(code, title, message, step)`` names the misconception
    (stable ``code``, see ``tutor.diagnosis.MISCONCEPTIONS``) and shows the right step where it
    went wrong. A right answer, or a mistake the tutor does not recognise, gives None (the
    caller then shows the worked steps).

What the exercise asks (the tutor's *task*) comes from the answer spec's optional ``"tutor"``
key, else from ``tutor.demo_tasks.DEMO_TASKS`` by prompt, else (facts) from the fact columns:

- ``{"task": "differentiate", "of": "sin(x^2)", "variable": "x", "at": "2"?}``
- ``{"task": "integrate", "of": "2x cos(x^2)", "variable": "x", "from": "0"?, "to": "1"?}``
- ``{"task": "limit", "of": "(x^2-9)/(x-3)", "variable": "x", "to": "3" | "oo" | "-oo",
  "side": "+" | "-"?}``, or with ``"left"`` and ``"right"`` pieces instead of ``"of"``
- ``{"task": "fractions", "stages": [["3/4", "-", "1/3"]], "words": "...", "as": "decimal"?}``
  (operations ``+ - × ÷``; a stage may also be a single fraction to simplify)
- ``{"task": "equivalent_fraction", "of": "3/4", "denominator": "20"}`` (or ``"numerator"``)
- ``{"task": "simplify", "of": "3x - (x + 2)"}``
- facts: ``{"operand1": 7, "operation": "×", "operand2": 8}`` (the fact spec itself)

Strings are in the grader's expression syntax and are templates like the spec's (``{a}``).
SymPy objects are only ever built from our own AST (``display.to_sympy``), never from strings.
Work is bounded: functions above ``steps.MAX_FUNCTION_SIZE`` SymPy operations get no steps,
each piece of SymPy work runs under a per-thread cooperative time budget (``tutor.budget``; no
signals), and every equivalence check under the grader's own time limits.

Modules: ``steps`` (Step, Explanation, Worked), ``derivatives``, ``integrals``, ``limits``,
``arithmetic`` (fractions and fact strategies), ``verify`` (claims checked by the grader),
``diagnosis`` (misconceptions), ``symbolic`` (SymPy <-> the grader's AST and syntax),
``budget``, ``demo_tasks`` and ``explain`` (the entry points).
"""

from __future__ import annotations

from tutor.diagnosis import Diagnosis
from tutor.explain import diagnose, explain, help_before_answer
from tutor.steps import Explanation, Step

__all__ = ["Diagnosis", "Explanation", "Step", "diagnose", "explain", "help_before_answer"]
