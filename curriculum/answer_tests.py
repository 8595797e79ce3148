"""The answer tests an author can choose, named once for the admin, the preview and the docs.

An answer test is a set of keys of the exercise's `answer` JSON (see `curriculum.grading`): for
expressions `forms`, `up_to_constant` and `variable`; for numbers `abs_tol`, `rel_tol`,
`sig_figs`, `decimal_places`, `notation`, `unit` and `unit_required`. The grader checks them
(`grading.validate_spec`); this module only names them and says what a spec asks for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EQUIVALENT = "equivalent"
IN_FORM = "form"
ANTIDERIVATIVE = "antiderivative"

EXPRESSION_TESTS = [
    (EQUIVALENT, "Equivalent to the answer"),
    (IN_FORM, "Equivalent, and in a required form"),
    (ANTIDERIVATIVE, "Antiderivative: equal to the answer up to a constant"),
]

# (name in the spec, label in the admin, words in "equivalent and …")
FORMS = [
    ("factored", "Factored (over the integers)", "factored"),
    ("expanded", "Expanded", "expanded"),
    ("lowest_terms", "Fractions in lowest terms", "with fractions in lowest terms"),
    ("simplified", "Simplified (nothing left to work out)", "simplified"),
    ("no_decimals", "No decimals (exact)", "without decimals"),
    ("partial_fractions", "Partial fractions", "written as partial fractions"),
]
FORM_CHOICES = [(name, label) for name, label, _ in FORMS]
FORM_WORDS = {name: words for name, _, words in FORMS}

ANY_NOTATION = "any"
SCIENTIFIC = "scientific"
NOTATIONS = [
    (ANY_NOTATION, "Any way of writing the number"),
    (SCIENTIFIC, "Scientific notation (like 1.41 × 10^-3)"),
]

# The keys of the answer JSON each kind's answer test is made of.
EXPRESSION_KEYS = ("forms", "up_to_constant", "variable")
NUMERIC_KEYS = (
    "abs_tol",
    "rel_tol",
    "sig_figs",
    "decimal_places",
    "notation",
    "unit",
    "unit_required",
)


def expression_test(spec: Mapping[str, Any]) -> str:
    """Which of `EXPRESSION_TESTS` a spec asks for."""
    if spec.get("up_to_constant") is True:
        return ANTIDERIVATIVE
    if spec.get("forms"):
        return IN_FORM
    return EQUIVALENT


def _joined(words: list[str]) -> str:
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]


def _describe_expression(spec: Mapping[str, Any]) -> str:
    test = expression_test(spec)
    forms = spec.get("forms")
    form_words = [
        FORM_WORDS.get(str(name), str(name)) for name in (forms if isinstance(forms, list) else [])
    ]
    if test == ANTIDERIVATIVE:
        variable = spec.get("variable")
        words = "An antiderivative: equal to the answer up to a constant of integration"
        if isinstance(variable, str) and variable:
            words += f", with respect to {variable}"
        words += "; the learner must write her own constant"
        if form_words:
            words += f"; and {_joined(form_words)}"
        return words + "."
    if form_words:
        return f"Equivalent to the answer and {_joined(form_words)}."
    return "Equivalent to the answer."


def _describe_numeric(spec: Mapping[str, Any]) -> str:
    parts: list[str] = []
    abs_tol, rel_tol = spec.get("abs_tol"), spec.get("rel_tol")
    if abs_tol and rel_tol:
        parts.append(f"within ± {abs_tol} or ± {rel_tol} of the value (relative)")
    elif abs_tol:
        parts.append(f"within ± {abs_tol}")
    elif rel_tol:
        parts.append(f"within ± {rel_tol} of the value (relative)")
    else:
        parts.append("exactly the value")
    sig_figs, places = spec.get("sig_figs"), spec.get("decimal_places")
    if sig_figs is not None:
        parts.append(f"to {sig_figs} significant figure{'' if sig_figs == 1 else 's'}")
    if places is not None:
        parts.append(f"to {places} decimal place{'' if places == 1 else 's'}")
    if spec.get("notation") == SCIENTIFIC:
        parts.append("in scientific notation")
    unit = spec.get("unit")
    if unit:
        units = unit if isinstance(unit, list) else [unit]
        spelled = " or ".join(str(item) for item in units)
        required = "required" if spec.get("unit_required") is True else "optional"
        parts.append(f"unit {spelled} ({required})")
    return "A number " + ", ".join(parts) + "."


def describe(kind: str, spec: Mapping[str, Any]) -> str:
    """The answer test of an exercise of `kind` with answer `spec`, in a sentence ("" if none)."""
    if kind == "expression":
        return _describe_expression(spec)
    if kind == "numeric":
        return _describe_numeric(spec)
    return ""
