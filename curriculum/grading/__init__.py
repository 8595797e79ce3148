"""Pure answer grading for Calcuingo exercises: no database, no Django.

Entry point: ``grade(kind, spec, response, *, values=None, seed=None) -> Verdict``. It never
raises for a learner's response (malformed or hostile input gets an incorrect verdict with a
message); it raises ``SpecError`` (a ValueError with ``.errors``: field -> message) for a
malformed spec. ``validate_spec(kind, spec, params=None)`` returns those field-level messages
for the admin, plus checks too slow for every answer (the expected expression is gradable and
is itself in the forms it requires). ``seed`` (the attempt, e.g. its id) picks the sample
points of expression equivalence: the same seed gives the same verdict, so a regrade
reproduces it; None is a fixed default.

A ``Verdict`` has ``correct``, ``score`` (0 or 1), ``interpreted_as`` (LaTeX for expressions,
plain text otherwise), ``feedback`` (for the learner; it never reveals the answer),
``explanation`` (multiple choice) and ``reason``, a stable code for why it is wrong:
``""`` (right, or plainly wrong), ``"form:<name>"`` (equivalent but not in a required form),
``"missing_constant"``, ``"sig_figs"``, ``"decimal_places"``, ``"notation"``, ``"unit"``,
``"syntax"`` (unreadable answer); ``"spec_error"`` is reserved for callers that turn a
``SpecError`` into a verdict.

Answer tests: the spec schemas (JSON, the exercise's ``answer`` column) per kind
================================================================================

``multiple_choice``
    ``{"options": [{"text": "2", "explanation": "Yes: ..."}, {"text": "3", "explanation": ""}],
    "correct": 0}`` — at least two options (a plain string is an option without explanation);
    ``correct`` is the 0-based index. The response is the chosen index (int or "1"). The
    verdict's ``explanation`` is the chosen option's explanation.

``numeric`` — a number, with a tolerance, a precision, a notation and a unit
    ``{"value": "1/2", "abs_tol": 0.001, "rel_tol": null, "unit": "cm", "unit_required":
    false, "sig_figs": null, "decimal_places": null, "notation": "any"}``

    ``value``: an int, a JSON float (read as written: 0.1 is one tenth), exact arithmetic text
    (``"1/2"``, ``"2^10"``) or an exact constant without variables (``"3*pi/2"``,
    ``"sqrt(2)/2"``, ``"e^2"``, ``"sin(1)"``, in the expression syntax). Rational values are
    kept exact; irrational ones are evaluated to 60 digits.

    Equivalent within tolerance (the default test): accepted when |given - value| <=
    max(abs_tol, rel_tol*|value|); both default to 0, which means exact: two different
    fractions are never equal, and an irrational value needs an exact answer (``3π/2``;
    compared to 40 significant digits) — ``4.712`` is wrong for ``3*pi/2`` unless a
    tolerance allows it.

    Learners may type ``0.5 .5 1/2 -3 2 1/2`` (a mixed number), scientific notation in any
    usual spelling (``1.41*10^-3``, ``1.41×10^-3``, ``1.41 x 10^-3``, ``1.41·10⁻³``,
    ``1.41e-3``, ``1.41E-3``, ``1.41*10^(-3)``) and exact constants with π, e, roots or
    logarithms (``3π/2``, ``3pi/2``, ``1.5π``, ``2√3``, ``sqrt(2)/2``, ``e^2``, ``ln 2``). A
    calculation of plain numbers (``2+3``, ``7*8``) is refused: "Type a single number (like
    0.5, 1/2 or 2 1/2), not a calculation." (reason ``syntax``).

    ``sig_figs`` (1 to 30): the learner must write the number as a decimal with that many
    significant figures, and it must equal the value rounded to them (half away from zero):
    for ``sqrt(2)/1000`` and 3, ``0.00141`` and ``1.41*10^-3`` are right. Figures are counted
    from what was written: every zero after the point counts (``1.410`` has 4); the trailing
    zeros of a whole number are ambiguous, so ``1400`` is accepted as 2, 3 or 4 figures
    (``1.40 × 10^3`` says 3 exactly). The right digits to another precision (``0.0014``,
    ``0.001414``) or a fraction/constant instead of a decimal get "Give your answer to 3
    significant figures." (reason ``sig_figs``); other numbers get the plain "Not quite".
    A tolerance, if given, applies around the rounded value. A value of 0 cannot have
    ``sig_figs`` (use ``decimal_places``).

    ``decimal_places`` (0 to 30): the same with decimal places (``3.14`` for pi and 2;
    ``3.1`` and ``3.142`` get "Give your answer to 2 decimal places.", reason
    ``decimal_places``). Not together with ``sig_figs``.

    ``notation``: ``"any"`` (default) or ``"scientific"``: a right value not written as
    a × 10^n with 1 <= |a| < 10 (``0.00141``, ``14.1e-4``) gets "Write your answer in
    scientific notation, like 1.41 × 10^-3." (reason ``notation``).

    ``unit``: a string or a list of accepted spellings; a unit the learner writes must match
    one (``cm²`` = ``cm^2``, case-sensitive), also after an exact constant (``π/2 rad``); a
    missing unit is fine unless ``unit_required``. Without ``unit``, writing a unit is
    incorrect. Unit failures have reason ``unit``.

``text`` (fill in the blank)
    ``{"accepted": ["Paris", "Paree"]}`` — compared after NFKC, casefold and whitespace
    collapsing.

``fact``
    ``{"operand1": 7, "operation": "×", "operand2": 8, "operation2": null, "operand3": null}``
    — operations ``+ − × ÷`` (or ``- * /``); with a second operation, × and ÷ come first
    (``2 + 3 × 4`` = 14); division is exact and the answer must be a terminating decimal.
    The response must be a bare number (``56``, ``-3``, ``2.5``); ``7*8`` is not an answer.

``expression`` — equivalent, optionally in required forms, or an antiderivative
    ``{"answer": "(x-2)(x-3)", "variables": ["x"], "forms": ["factored"]}``

    Equivalent (the default test): ``answer`` uses the syntax of ``mathparse`` (``2x``,
    ``sin(2x)``, ``e^x``, ``|x|``, ``n!``, ...). ``variables`` defaults to the answer's free
    symbols (minus ``C`` when ``up_to_constant``); declare multi-letter names (``theta``) or
    ``e`` here. Equivalence is numeric at seeded sample points, see ``equivalence``. A
    letter the question does not use gets "Your answer uses k, which is not in this
    question."

    ``forms``: a list, checked in order, only once the answer is equivalent; each looks at
    the learner's answer *as typed* (see ``forms`` for the exact rules). A failure is
    incorrect, score 0, reason ``form:<name>``, with this feedback:

    - ``"factored"``: a product of factors irreducible over the integers, each primitive,
      constant factors allowed. "Factor x² − 5x + 6" (answer ``(x-2)(x-3)``) accepts
      ``(x-2)(x-3)``, ``(x-3)(x-2)``, ``(3-x)(2-x)``, ``-(x-2)(3-x)``; ``x^2-5x+6`` and
      ``x(x-5)+6`` get "This is correct but not factored."; ``(2x-4)(x-3)/2`` and
      ``x(x^2-1)`` get "This is correct but not fully factored." (a number inside a bracket
      must come out: ``2(x-2)(x-3)/2`` is factored).
    - ``"expanded"``: a sum of monomials with like terms collected; ``(x+1)^2``, ``x(x+1)``,
      ``-(x+1)``, ``x+x`` get "This is correct but not expanded."
    - ``"lowest_terms"``: no fraction has a common factor above and below the bar; ``6/8``,
      ``(2x+2)/(4x)`` get "This is correct but not in lowest terms."
    - ``"simplified"``: lowest terms and no unevaluated operation (``2+3``, ``4/2 x``,
      ``sqrt(4)``, ``x*x``, ``2x+3x``, ``x^1``, ``1*x``, ``x+0``, ``(x^2-1)/(x-1)``): "This is
      correct but can be simplified further." It is structural: ``sin(x)^2+cos(x)^2`` counts
      as simplified.
    - ``"no_decimals"``: no decimal point (``0.5x`` for ``x/2``): "Give an exact answer,
      without decimals."
    - ``"partial_fractions"`` (one variable): polynomial terms plus proper fractions over a
      power of one irreducible polynomial; ``1/(x-1) - 1/x`` is, ``1/(x^2-x)`` gets "This is
      correct but not written as partial fractions."

    Forms are decided in milliseconds, so a few answers are too large to analyse (a
    partial-fraction denominator of degree above 8, a polynomial of degree above 60 that
    would have to be expanded): they get "Your answer is too complicated to check. Try
    simplifying it." with the form's reason. Huge powers are fine (``(x-1)^6000/6000`` is
    simplified; ``(1-x)^6000`` is factored).
    ``validate_spec`` reports on ``forms`` an unknown name, forms on a non-expression kind,
    and an ``answer`` that is not itself in its forms ("The answer itself is not factored:
    write it that way.") — it is what learners are shown once they are done.

    Antiderivative up to a constant: ``{"answer": "x^3/3 + C", "up_to_constant": true}`` —
    the response must differ from the answer by a constant *and* contain its own arbitrary
    constant: any letter that is not a variable (``x^3/3 + C``, ``+ k``, ``ln(A|x|) + C``);
    ``x^3/3`` or ``x^3/3 + 5`` get "Don't forget the constant of integration." (reason
    ``missing_constant``).

    With a declared variable of integration, ``{"answer": "x^(k+1)/(k+1) + C",
    "up_to_constant": true, "variable": "x", "constants": ["C"]}``: every other symbol of the
    answer except its constant is a *parameter* (fixed, like ``k``), so
    ``(x^(k+1) - 1)/(k+1) + C`` is right and ``x^(k+1)/(k+1) + k`` has no constant. The
    teacher's constant is whichever of ``constants`` (default ``["C"]``) the answer uses —
    possibly none. The learner's constants are the letters that are neither the variable nor
    a parameter. ``variable`` must be a symbol of the answer and needs ``up_to_constant``;
    ``constants`` needs ``variable``.

Parametrised exercises: any spec may be accompanied by a parameter declaration (passed as
``params`` or stored under the spec's ``"params"`` key), e.g. ``{"a": [2, 9], "n": [2, 5],
"constraints": ["a != n"]}`` (see ``templates``). Strings in the spec are templates:
``{"answer": "{a*n}x^{n-1}"}``. Pick a variant with ``variant_for(params, seed)``, render
prompts with ``render_template(prompt, values)`` and grade with ``grade(..., values=values)``.

Also: ``equivalent(expected, given) -> bool`` and ``preview(raw, variables) -> PreviewResult``
(LaTeX or an error with its 0-based position) for ``POST /api/v1/math/preview``, and
``fact_variants`` for generating fact exercises.

Modules: ``mathparse`` (the whitelisting parser; learner text never reaches Python or
sympy's string parser), ``display`` (LaTeX, plain text, SymPy objects, preview),
``equivalence`` (bounded numeric equivalence), ``forms`` (answer forms on the typed AST),
``numbers`` (learner numbers, significant figures, exact constants), ``templates``
(parameters, variants, ``{...}`` templates, fact pairs) and ``kinds`` (per-kind grading).
"""

from __future__ import annotations

from collections.abc import Iterable

from curriculum.grading.display import PreviewResult, preview, to_latex, to_sympy, to_text
from curriculum.grading.equivalence import Outcome, compare
from curriculum.grading.errors import SpecError, TemplateError
from curriculum.grading.forms import FORMS
from curriculum.grading.kinds import (
    EXPRESSION,
    FACT,
    KINDS,
    MULTIPLE_CHOICE,
    NUMERIC,
    TEXT,
    Verdict,
    fact_answer,
    grade,
    normalise_text,
    validate_spec,
)
from curriculum.grading.mathparse import MathSyntaxError, ParsedExpression, parse
from curriculum.grading.templates import (
    arithmetic_value,
    canonical_operation,
    fact_variants,
    format_rational,
    parse_params,
    render_spec,
    render_template,
    render_variant,
    variant_for,
)

__all__ = [
    "EXPRESSION",
    "FACT",
    "FORMS",
    "KINDS",
    "MULTIPLE_CHOICE",
    "NUMERIC",
    "TEXT",
    "MathSyntaxError",
    "ParsedExpression",
    "PreviewResult",
    "SpecError",
    "TemplateError",
    "Verdict",
    "arithmetic_value",
    "canonical_operation",
    "equivalent",
    "fact_answer",
    "fact_variants",
    "format_rational",
    "grade",
    "normalise_text",
    "parse",
    "parse_params",
    "preview",
    "render_spec",
    "render_template",
    "render_variant",
    "to_latex",
    "to_sympy",
    "to_text",
    "validate_spec",
    "variant_for",
]


def equivalent(expected: str, given: str, variables: Iterable[str] | None = None) -> bool:
    """Whether `given` is mathematically equivalent to `expected` (see `equivalence`).

    The variables are those of `expected` (plus any declared). An unreadable or hostile
    `given` is simply False; an unreadable `expected` raises SpecError.
    """
    try:
        parsed_expected = parse(expected, variables)
    except MathSyntaxError as exc:
        raise SpecError(f"{exc.message} (at character {exc.position + 1})", "answer") from None
    try:
        if not isinstance(given, str):
            return False
        parsed_given = parse(given, parsed_expected.symbols | frozenset(variables or ()))
        outcome = compare(
            parsed_expected.node,
            parsed_given.node,
            parsed_expected.symbols,
            parsed_given.symbols,
        )
    except MathSyntaxError:
        return False
    except Exception:  # noqa: BLE001 - hostile input must give False, never an error
        return False
    return outcome is Outcome.EQUIVALENT
