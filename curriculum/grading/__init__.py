"""Pure answer grading for Calcuingo exercises: no database, no Django.

Entry point: ``grade(kind, spec, response, *, values=None) -> Verdict``. It never raises for a
learner's response (malformed or hostile input gets an incorrect verdict with a message); it
raises ``SpecError`` (a ValueError with ``.errors``: field -> message) for a malformed spec.
``validate_spec(kind, spec, params=None)`` returns those field-level messages for the admin.

Answer spec schemas (JSON) per kind:

``multiple_choice``
    ``{"options": [{"text": "2", "explanation": "Yes: ..."}, {"text": "3", "explanation": ""}],
    "correct": 0}`` — at least two options (a plain string is an option without explanation);
    ``correct`` is the 0-based index. The response is the chosen index (int or "1"). The
    verdict's ``explanation`` is the chosen option's explanation.

``numeric``
    ``{"value": "1/2", "abs_tol": 0.001, "rel_tol": null, "unit": "cm", "unit_required":
    false}`` — ``value`` is an int, a JSON float (read as written: 0.1 is one tenth) or exact
    arithmetic text ("1/2", "2^10"). Accepted when |given - value| <= max(abs_tol,
    rel_tol*|value|) (both default to 0: exact). Responses: ``0.5 .5 1/2 -3 1e3 2 1/2``,
    optionally followed by a unit. ``unit`` is a string or a list of accepted spellings; a
    unit the learner writes must match one (``cm²`` = ``cm^2``, case-sensitive); a missing
    unit is fine unless ``unit_required``. Without ``unit``, writing a unit is incorrect.

``text`` (fill in the blank)
    ``{"accepted": ["Paris", "Paree"]}`` — compared after NFKC, casefold and whitespace
    collapsing.

``fact``
    ``{"operand1": 7, "operation": "×", "operand2": 8, "operation2": null, "operand3": null}``
    — operations ``+ − × ÷`` (or ``- * /``); with a second operation, × and ÷ come first
    (``2 + 3 × 4`` = 14); division is exact and the answer must be a terminating decimal.
    The response must be a bare number (``56``, ``-3``, ``2.5``); ``7*8`` is not an answer.

``expression``
    ``{"answer": "2*x", "variables": ["x"], "up_to_constant": false}`` — ``answer`` uses the
    syntax of ``mathparse`` (``2x``, ``sin(2x)``, ``e^x``, ``|x|``, ``n!``, ...). ``variables``
    defaults to the answer's free symbols (minus ``C`` when ``up_to_constant``); declare
    multi-letter names (``theta``) or ``e`` here. Equivalence is numeric, see ``equivalence``.
    With ``up_to_constant`` (antiderivatives) the response must differ from the answer by a
    constant *and* contain its own arbitrary constant: any letter that is not a variable
    (``x^3/3 + C``, ``+ k``); ``x^3/3`` or ``x^3/3 + 5`` get "Don't forget the constant of
    integration."

Parametrised exercises: any spec may be accompanied by a parameter declaration (passed as
``params`` or stored under the spec's ``"params"`` key), e.g. ``{"a": [2, 9], "n": [2, 5],
"constraints": ["a != n"]}`` (see ``templates``). Strings in the spec are templates:
``{"answer": "{a*n}x^{n-1}"}``. Pick a variant with ``variant_for(params, seed)``, render
prompts with ``render_template(prompt, values)`` and grade with ``grade(..., values=values)``.

Also: ``equivalent(expected, given) -> bool`` and ``preview(raw, variables) -> PreviewResult``
(LaTeX or an error with its 0-based position) for ``POST /api/v1/math/preview``, and
``fact_variants`` for generating fact exercises.

A Verdict's ``interpreted_as`` is LaTeX for expressions and plain text for the other kinds.

Modules: ``mathparse`` (the whitelisting parser; learner text never reaches Python or
sympy's string parser), ``display`` (LaTeX, plain text, SymPy objects, preview),
``equivalence`` (bounded numeric equivalence), ``numbers`` (learner numbers), ``templates``
(parameters, variants, ``{...}`` templates, fact pairs) and ``kinds`` (per-kind grading).
"""

from __future__ import annotations

from collections.abc import Iterable

from curriculum.grading.display import PreviewResult, preview, to_latex, to_sympy, to_text
from curriculum.grading.equivalence import Outcome, compare
from curriculum.grading.errors import SpecError, TemplateError
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
