r"""Limits: substitution, factoring, the special limits, limits at infinity and what they mean.

Finite limits are numeric; exact irrational ones (`e^2`) are expressions without a variable;
infinite or non-existent limits are text, accepting the usual spellings.
Parametrised texts are templates: `{a}` is a parameter, `{{` and `}}` are literal braces.
"""

from __future__ import annotations

from decimal import Decimal

from curriculum.models import Difficulty, Subject

from .specs import LessonSpec, TrackSpec, UnitSpec, choice, expression, number, words

PLUS_INFINITY = ["infinity", "∞", "+∞", "+infinity", "oo", "positive infinity", "inf"]
MINUS_INFINITY = ["-infinity", "-∞", "−∞", "−infinity", "-oo", "negative infinity", "-inf"]
DOES_NOT_EXIST = ["does not exist", "DNE", "it does not exist", "no limit", "doesn't exist"]

SUBSTITUTION = LessonSpec(
    title="Direct substitution",
    description="Polynomials and friendly rational functions: just plug the value in.",
    tags=("limits", "substitution"),
    exercises=(
        number(
            r"Find $\lim_{x \to 2} (3x^2 - 5x + 1)$.",
            3,
            explanation=(
                r"A polynomial is continuous, so substitute: $3 \cdot 4 - 5 \cdot 2 + 1 = 3$."
            ),
            hints=(
                "Polynomials have no gaps or jumps.",
                r"Substitute $x = 2$.",
            ),
            difficulty=Difficulty.EASY,
        ),
        number(
            r"Find $\lim_{x \to -1} \dfrac{x^2 + 3}{x + 2}$.",
            4,
            explanation=(
                r"The denominator is $1 \ne 0$ at $x = -1$, so substitute: "
                r"$\frac{1 + 3}{1} = 4$."
            ),
            hints=(
                r"Is the denominator zero at $x = -1$?",
                r"It is not, so substitute $x = -1$.",
            ),
            difficulty=Difficulty.EASY,
        ),
        number(
            r"Find $\lim_{x \to 4} \sqrt{x}\,(x - 1)$.",
            6,
            explanation=(
                r"Both factors are continuous at 4: $\sqrt{4} \cdot (4 - 1) = 2 \cdot 3 = "
                r"6$."
            ),
            hints=(r"Substitute $x = 4$; $\sqrt{4} = 2$.",),
            difficulty=Difficulty.EASY,
        ),
        number(
            r"Find $\lim_{{x \to {a}}} (x^2 + {b}x)$.",
            "{a^2 + b*a}",
            parameters={"a": [-4, 4], "b": [1, 9]},
            explanation=r"Substitute $x = {a}$: $({a})^2 + {b} \cdot ({a}) = {a^2 + b*a}$.",
            hints=(
                "A polynomial: substitute the value.",
                r"Compute $({a})^2$ and ${b} \cdot ({a})$, then add.",
            ),
            difficulty=Difficulty.EASY,
        ),
    ),
)

FACTORING = LessonSpec(
    title="Factor and cancel",
    description="When substitution gives 0/0, simplify first.",
    tags=("limits", "indeterminate forms"),
    exercises=(
        number(
            r"Find $\lim_{x \to 3} \dfrac{x^2 - 9}{x - 3}$.",
            6,
            explanation=(
                r"$\frac{x^2 - 9}{x - 3} = \frac{(x - 3)(x + 3)}{x - 3} = x + 3$ for $x \ne 3$, "
                "so the limit is $3 + 3 = 6$."
            ),
            hints=(
                "Substituting gives 0/0: factor the numerator.",
                r"$x^2 - 9 = (x - 3)(x + 3)$.",
            ),
        ),
        number(
            r"Find $\lim_{x \to 2} \dfrac{x^2 - 5x + 6}{x - 2}$.",
            -1,
            explanation=(
                r"$x^2 - 5x + 6 = (x - 2)(x - 3)$, so the fraction is $x - 3$ for $x \ne 2$ and "
                "the limit is $2 - 3 = -1$."
            ),
            hints=(
                "Factor the numerator; one factor will cancel.",
                r"$x^2 - 5x + 6 = (x - 2)(x - 3)$.",
            ),
        ),
        number(
            r"Find $\lim_{x \to 1} \dfrac{x^3 - 1}{x - 1}$.",
            3,
            explanation=(r"$x^3 - 1 = (x - 1)(x^2 + x + 1)$, so the limit is $1 + 1 + 1 = 3$."),
            hints=(
                "Use the difference of cubes.",
                r"$x^3 - 1 = (x - 1)(x^2 + x + 1)$.",
            ),
            difficulty=Difficulty.MEDIUM,
        ),
        number(
            r"Find $\lim_{x \to 0} \dfrac{\sqrt{x + 4} - 2}{x}$.",
            "1/4",
            explanation=(
                r"Multiply by the conjugate: $\frac{(\sqrt{x + 4} - 2)(\sqrt{x + 4} + 2)}"
                r"{x(\sqrt{x + 4} + 2)} = \frac{x}{x(\sqrt{x + 4} + 2)} = "
                r"\frac{1}{\sqrt{x + 4} + 2} \to \frac{1}{4}$."
            ),
            hints=(
                "Substituting gives 0/0, and there is nothing to factor: try the conjugate.",
                r"Multiply the top and bottom by $\sqrt{x + 4} + 2$.",
                r"After cancelling $x$ you get $\frac{1}{\sqrt{x + 4} + 2}$.",
            ),
            difficulty=Difficulty.HARD,
        ),
        number(
            r"Find $\lim_{h \to 0} \dfrac{(2 + h)^2 - 4}{h}$.",
            4,
            explanation=(
                r"$(2 + h)^2 - 4 = 4h + h^2$, so the fraction is $4 + h \to 4$. "
                r"(This is the derivative of $x^2$ at $x = 2$.)"
            ),
            hints=(
                r"Expand $(2 + h)^2$.",
                r"$(2 + h)^2 - 4 = 4h + h^2$; divide by $h$.",
            ),
        ),
        number(
            r"Find $\lim_{{x \to {a}}} \dfrac{{x^2 - {a^2}}}{{x - {a}}}$.",
            "{2*a}",
            parameters={"a": [2, 9]},
            explanation=(
                r"$x^2 - {a^2} = (x - {a})(x + {a})$, so the fraction is $x + {a}$ for "
                r"$x \ne {a}$, and the limit is ${a} + {a} = {2*a}$."
            ),
            hints=(
                "A difference of squares.",
                r"$x^2 - {a^2} = (x - {a})(x + {a})$.",
            ),
        ),
        number(
            r"Find $\lim_{x \to -2} \dfrac{x^2 + 3x + 2}{x^2 - 4}$.",
            "1/4",
            explanation=(
                r"$\frac{(x + 1)(x + 2)}{(x - 2)(x + 2)} = \frac{x + 1}{x - 2}$ for "
                r"$x \ne -2$, so the limit is $\frac{-1}{-4} = \frac{1}{4}$."
            ),
            hints=(
                "Factor both the numerator and the denominator.",
                r"Both have a factor $x + 2$.",
            ),
            difficulty=Difficulty.MEDIUM,
        ),
    ),
)

TRIGONOMETRIC = LessonSpec(
    title="Limits with sine",
    description=r"Everything here comes back to $\lim_{x \to 0} \frac{\sin x}{x} = 1$.",
    tags=("limits", "special limits"),
    exercises=(
        number(
            r"Find $\lim_{x \to 0} \dfrac{\sin x}{x}$.",
            1,
            explanation=(
                r"The fundamental trigonometric limit: for small $x$ (in radians), "
                r"$\sin x \approx x$, and the squeeze theorem makes it exact: the limit is 1."
            ),
            hints=(r"For small $x$ in radians, $\sin x$ is very close to $x$.",),
        ),
        number(
            r"Find $\lim_{x \to 0} \dfrac{\sin 5x}{x}$.",
            5,
            explanation=(r"$\frac{\sin 5x}{x} = 5 \cdot \frac{\sin 5x}{5x} \to 5 \cdot 1 = 5$."),
            hints=(
                r"Make the denominator match the angle: $5x$.",
                r"Write $\frac{\sin 5x}{x} = 5 \cdot \frac{\sin 5x}{5x}$.",
            ),
        ),
        number(
            r"Find $\lim_{x \to 0} \dfrac{\sin 3x}{\sin 2x}$.",
            "3/2",
            explanation=(
                r"$\frac{\sin 3x}{\sin 2x} = \frac{\sin 3x}{3x} \cdot \frac{2x}{\sin 2x} "
                r"\cdot \frac{3}{2} \to 1 \cdot 1 \cdot \frac{3}{2}$."
            ),
            hints=(
                r"Near 0, $\sin 3x \approx 3x$ and $\sin 2x \approx 2x$.",
                r"Multiply and divide by $3x$ and by $2x$.",
            ),
            difficulty=Difficulty.MEDIUM,
        ),
        number(
            r"Find $\lim_{x \to 0} \dfrac{1 - \cos x}{x^2}$.",
            "1/2",
            explanation=(
                r"Multiply by $1 + \cos x$: $\frac{1 - \cos^2 x}{x^2 (1 + \cos x)} = "
                r"\left(\frac{\sin x}{x}\right)^2 \frac{1}{1 + \cos x} \to 1 \cdot \frac{1}{2}$."
            ),
            hints=(
                r"Multiply the top and bottom by $1 + \cos x$.",
                r"$1 - \cos^2 x = \sin^2 x$.",
            ),
            difficulty=Difficulty.HARD,
        ),
        number(
            r"Find $\lim_{x \to 0} \dfrac{\tan x}{x}$.",
            1,
            explanation=(
                r"$\frac{\tan x}{x} = \frac{\sin x}{x} \cdot \frac{1}{\cos x} \to 1 \cdot 1 = 1$."
            ),
            hints=(r"Write $\tan x = \frac{\sin x}{\cos x}$.",),
        ),
        number(
            r"Find $\lim_{{x \to 0}} \dfrac{{\sin {a}x}}{{{b}x}}$.",
            "{a}/{b}",
            parameters={"a": [2, 9], "b": [2, 9], "constraints": ["a != b"]},
            explanation=(
                r"$\frac{{\sin {a}x}}{{{b}x}} = \frac{{{a}}}{{{b}}} \cdot "
                r"\frac{{\sin {a}x}}{{{a}x}} \to \frac{{{a}}}{{{b}}}$."
            ),
            hints=(
                r"Near 0, $\sin {a}x \approx {a}x$.",
                r"Write it as $\frac{{{a}}}{{{b}}} \cdot \frac{{\sin {a}x}}{{{a}x}}$.",
            ),
        ),
        choice(
            r"What is $\lim_{x \to 0} x \sin\frac{1}{x}$?",
            [
                (
                    "0",
                    r"Yes: $|x \sin\frac{1}{x}| \le |x|$, and $|x| \to 0$ squeezes it to 0.",
                ),
                (
                    "1",
                    r"That is $\lim \frac{\sin x}{x}$. Here $\sin\frac{1}{x}$ stays between "
                    r"$-1$ and $1$ while $x \to 0$.",
                ),
                (
                    "It does not exist",
                    r"$\sin\frac{1}{x}$ oscillates, but multiplied by $x$ the oscillations "
                    "shrink to 0.",
                ),
            ],
            correct=0,
            explanation=(
                r"Since $-|x| \le x \sin\frac{1}{x} \le |x|$ and both bounds tend to 0, the "
                "squeeze theorem gives 0."
            ),
            hints=(
                r"How large can $\sin\frac{1}{x}$ ever be?",
                r"Squeeze: $-|x| \le x \sin\frac{1}{x} \le |x|$.",
            ),
            difficulty=Difficulty.HARD,
        ),
    ),
)

EXPONENTIAL = LessonSpec(
    title="The number e",
    description="Compound growth and the limits that define e.",
    tags=("limits", "special limits"),
    exercises=(
        expression(
            r"Find the exact value of $\lim_{x \to \infty} \left(1 + \frac{1}{x}\right)^{x}$.",
            "e",
            explanation=r"This limit is the definition of $e \approx 2.71828$.",
            hints=(
                "This limit defines a famous constant.",
                "It is the base of the natural logarithm.",
            ),
        ),
        expression(
            r"Find the exact value of $\lim_{x \to \infty} \left(1 + \frac{2}{x}\right)^{x}$.",
            "e^2",
            explanation=(
                r"With $u = \frac{x}{2}$: $\left(1 + \frac{1}{u}\right)^{2u} = "
                r"\left(\left(1 + \frac{1}{u}\right)^{u}\right)^2 \to e^2$."
            ),
            hints=(
                r"Substitute $x = 2u$.",
                r"$\left(1 + \frac{1}{u}\right)^{2u} = \left(\left(1 + "
                r"\frac{1}{u}\right)^{u}\right)^2$.",
            ),
            difficulty=Difficulty.HARD,
        ),
        number(
            r"Find $\lim_{x \to 0} \dfrac{e^x - 1}{x}$.",
            1,
            explanation=(
                r"This is the derivative of $e^x$ at 0: $\frac{e^x - e^0}{x - 0} \to e^0 = 1$."
            ),
            hints=(
                r"Read it as a difference quotient of $e^x$ at $x = 0$.",
                r"The derivative of $e^x$ is $e^x$.",
            ),
            difficulty=Difficulty.MEDIUM,
        ),
        expression(
            r"Find the exact value of $\lim_{x \to 0} (1 + 3x)^{1/x}$.",
            "e^3",
            explanation=(r"With $u = 3x$: $(1 + u)^{3/u} = \left((1 + u)^{1/u}\right)^3 \to e^3$."),
            hints=(
                r"$\lim_{u \to 0} (1 + u)^{1/u} = e$.",
                r"Substitute $u = 3x$, so $\frac{1}{x} = \frac{3}{u}$.",
            ),
            difficulty=Difficulty.HARD,
        ),
    ),
)

AT_INFINITY = LessonSpec(
    title="Limits at infinity",
    description="Which term wins when x gets huge?",
    tags=("limits", "infinity"),
    exercises=(
        number(
            r"Find $\lim_{x \to \infty} \dfrac{3x^2 + 1}{2x^2 - x}$.",
            "3/2",
            explanation=(
                r"Divide the top and bottom by $x^2$: $\frac{3 + 1/x^2}{2 - 1/x} \to \frac{3}{2}$."
            ),
            hints=(
                "Same degree on the top and bottom: compare the leading coefficients.",
                r"Divide everything by $x^2$.",
            ),
        ),
        number(
            r"Find $\lim_{x \to \infty} \dfrac{5x + 2}{x^2 + 1}$.",
            0,
            explanation=(
                r"The denominator grows faster: dividing by $x^2$ gives "
                r"$\frac{5/x + 2/x^2}{1 + 1/x^2} \to \frac{0}{1} = 0$."
            ),
            hints=("Which grows faster, the top or the bottom?",),
        ),
        number(
            r"Find $\lim_{x \to -\infty} \dfrac{4x^3 - x}{2x^3 + 7}$.",
            2,
            explanation=(
                r"Divide by $x^3$: $\frac{4 - 1/x^2}{2 + 7/x^3} \to \frac{4}{2} = 2$; the sign "
                r"of $x$ does not matter here."
            ),
            hints=(
                "Same degree: compare the leading coefficients.",
                r"Divide by $x^3$; the small terms vanish as $x \to -\infty$ too.",
            ),
        ),
        words(
            r"Find $\lim_{x \to \infty} \dfrac{x^3}{x^2 + 1}$. Type a number, or infinity.",
            PLUS_INFINITY,
            explanation=(
                r"$\frac{x^3}{x^2 + 1} = \frac{x}{1 + 1/x^2}$ grows without bound: the limit "
                r"is $+\infty$."
            ),
            hints=(
                "The numerator has the higher degree.",
                r"Divide by $x^2$: $\frac{x}{1 + 1/x^2}$.",
            ),
        ),
        number(
            r"Find $\lim_{x \to \infty} \left(\sqrt{x^2 + 6x} - x\right)$.",
            3,
            explanation=(
                r"Multiply by the conjugate: $\frac{(x^2 + 6x) - x^2}{\sqrt{x^2 + 6x} + x} = "
                r"\frac{6x}{\sqrt{x^2 + 6x} + x} = \frac{6}{\sqrt{1 + 6/x} + 1} \to \frac{6}{2} = "
                r"3$."
            ),
            hints=(
                r"$\infty - \infty$ is indeterminate: multiply by the conjugate.",
                r"Multiply the top and bottom by $\sqrt{x^2 + 6x} + x$.",
                r"You get $\frac{6x}{\sqrt{x^2 + 6x} + x}$; divide by $x$.",
            ),
            difficulty=Difficulty.HARD,
        ),
        number(
            r"Find $\lim_{x \to \infty} \dfrac{\sin x}{x}$.",
            0,
            explanation=(
                r"$|\sin x| \le 1$, so $\left|\frac{\sin x}{x}\right| \le \frac{1}{x} \to 0$."
            ),
            hints=(
                r"This is not the limit at 0: here $x \to \infty$.",
                r"$\sin x$ stays between $-1$ and $1$.",
            ),
        ),
        choice(
            r"As $x \to \infty$, which of these grows fastest?",
            [
                (r"$x^{10}$", "Every power of x is eventually overtaken by an exponential."),
                (r"$e^x$", r"Yes: $\frac{e^x}{x^n} \to \infty$ for every power $n$."),
                (r"$\ln x$", "The logarithm grows slower than any positive power of x."),
                (r"$x \ln x$", r"This grows only a little faster than $x$."),
            ],
            correct=1,
            explanation=(
                r"Growth rates: $\ln x \ll x \ln x \ll x^{10} \ll e^x$ as $x \to \infty$."
            ),
            hints=("Compare a polynomial with an exponential for large x, say x = 100.",),
        ),
        number(
            r"Find $\lim_{{x \to \infty}} \dfrac{{{a}x^2 + 1}}{{{b}x^2 - 3}}$.",
            "{a}/{b}",
            parameters={"a": [1, 9], "b": [2, 9]},
            explanation=(
                r"Same degree: divide by $x^2$ to get $\frac{{{a} + 1/x^2}}{{{b} - 3/x^2}} "
                r"\to \frac{{{a}}}{{{b}}}$."
            ),
            hints=(
                "Compare the leading coefficients.",
                r"Divide the top and bottom by $x^2$.",
            ),
        ),
    ),
)

ONE_SIDED = LessonSpec(
    title="One-sided limits",
    description="From the left, from the right, and when they disagree.",
    tags=("limits", "one-sided limits"),
    exercises=(
        words(
            r'Find $\lim_{x \to 0} \dfrac{|x|}{x}$. Type a number, or "does not exist".',
            DOES_NOT_EXIST,
            explanation=(
                r"For $x > 0$ the fraction is $1$, for $x < 0$ it is $-1$. The one-sided limits "
                "differ, so the limit does not exist."
            ),
            hints=(
                r"What is $\frac{|x|}{x}$ for $x = 0.1$? And for $x = -0.1$?",
                "Compare the limits from the left and from the right.",
            ),
        ),
        number(
            r"Find $\lim_{x \to 0^+} \dfrac{|x|}{x}$.",
            1,
            explanation=r"For $x > 0$, $|x| = x$, so the fraction is 1.",
            hints=(r"$0^+$ means $x$ approaches 0 from the right, so $x > 0$.",),
        ),
        words(
            r"Find $\lim_{x \to 0^+} \dfrac{1}{x}$. Type a number, infinity or -infinity.",
            PLUS_INFINITY,
            explanation=(
                r"As $x$ shrinks to 0 through positive values, $\frac{1}{x}$ grows without "
                r"bound: $+\infty$."
            ),
            hints=(r"Try $x = 0.1$, $0.01$, $0.001$.",),
        ),
        words(
            r"Find $\lim_{x \to 0^-} \dfrac{1}{x}$. Type a number, infinity or -infinity.",
            MINUS_INFINITY,
            explanation=(
                r"For small negative $x$, $\frac{1}{x}$ is a large negative number: $-\infty$."
            ),
            hints=(
                r"$0^-$ means from the left, so $x < 0$.",
                r"Try $x = -0.1$, $-0.01$, $-0.001$.",
            ),
        ),
        number(
            r"Let $f(x) = x + 1$ for $x < 2$ and $f(x) = 5 - x$ for $x \ge 2$. "
            r"Find $\lim_{x \to 2} f(x)$.",
            3,
            explanation=(
                r"From the left: $2 + 1 = 3$. From the right: $5 - 2 = 3$. They agree, so the "
                "limit is 3."
            ),
            hints=(
                "Find the limit from each side separately.",
                r"Left: use $x + 1$. Right: use $5 - x$.",
            ),
        ),
    ),
)

CONCEPTS = LessonSpec(
    title="What a limit means",
    description="Limits, continuity and discontinuities in words.",
    tags=("limits", "continuity"),
    exercises=(
        choice(
            r"If $\lim_{x \to a} f(x) = L$, which of these must be true?",
            [
                ("$f(a) = L$", r"Not necessarily: $f(a)$ may be different, or undefined."),
                (
                    "$f(x)$ gets as close to $L$ as we like when $x$ is close enough to $a$",
                    "Yes: that is what the limit means.",
                ),
                ("$f$ is defined at $a$", "The limit never looks at $x = a$ itself."),
                (
                    "$f(x) = L$ for all $x$ near $a$",
                    "Close to L, not equal to L: the values only approach L.",
                ),
            ],
            correct=1,
            explanation=(
                r"A limit describes the values of $f$ *near* $a$, never at $a$: it can exist "
                "even where f is undefined."
            ),
            hints=(r"Does the limit care about the value of $f$ exactly at $a$?",),
        ),
        choice(
            "A function $f$ is continuous at $a$ when…",
            [
                (
                    r"$\lim_{x \to a} f(x)$ exists",
                    "Not enough: f(a) could be missing or different from the limit.",
                ),
                ("$f(a)$ is defined", "Not enough: the values near a could jump."),
                (
                    r"$\lim_{x \to a} f(x) = f(a)$",
                    "Yes: this says the limit exists, f(a) exists, and they are equal.",
                ),
                (
                    "$f$ is differentiable at $a$",
                    r"That is stronger than continuity: $|x|$ is continuous at 0 but not "
                    "differentiable there.",
                ),
            ],
            correct=2,
            explanation=(
                r"Continuity at $a$ means $\lim_{x \to a} f(x) = f(a)$: no hole, no jump, "
                "no blow-up."
            ),
            hints=("Continuity needs the value and the limit to agree.",),
        ),
        choice(
            r"At $x = 1$, the graph of $f(x) = \dfrac{x^2 - 1}{x - 1}$ has…",
            [
                (
                    "a hole (a removable discontinuity)",
                    r"Yes: $f(x) = x + 1$ except at 1, where it is undefined; the limit is 2.",
                ),
                (
                    "a vertical asymptote",
                    r"The factor $x - 1$ cancels, so the values do not blow up.",
                ),
                (
                    "no discontinuity",
                    r"$f(1)$ is undefined (0/0), so f cannot be continuous there.",
                ),
                ("a jump", "Both sides approach the same value, 2."),
            ],
            correct=0,
            explanation=(
                r"$\frac{x^2 - 1}{x - 1} = x + 1$ for $x \ne 1$: the graph is the line "
                r"$y = x + 1$ with the point $(1, 2)$ missing."
            ),
            hints=(
                "Factor the numerator.",
                r"$x^2 - 1 = (x - 1)(x + 1)$.",
            ),
        ),
        words(
            r"Fill in the blank: when direct substitution gives $\frac{0}{0}$, this is called "
            "an ______ form.",
            ["indeterminate", "indeterminate form"],
            explanation=(
                r"$\frac{0}{0}$ is an indeterminate form: it says nothing about the limit, "
                "which could be any number, or not exist."
            ),
            hints=("The form does not determine the limit.",),
            difficulty=Difficulty.EASY,
        ),
        choice(
            r"What is $\lim_{x \to 0} \dfrac{1}{x^2}$?",
            [
                (
                    r"$+\infty$",
                    r"Yes: $x^2$ is small and positive on both sides, so $\frac{1}{x^2}$ "
                    "grows without bound.",
                ),
                ("0", r"$\frac{1}{x^2}$ gets larger, not smaller, as $x \to 0$."),
                (
                    "It does not exist, because the sides disagree",
                    r"Both sides go to $+\infty$; that is $\frac{1}{x}$, whose sides disagree.",
                ),
                ("1", r"At $x = 1$ the value is 1, but we are looking near $x = 0$."),
            ],
            correct=0,
            explanation=(
                r"$x^2 > 0$ on both sides of 0 and tends to 0, so $\frac{1}{x^2} \to +\infty$ "
                "from both sides."
            ),
            hints=(r"Try $x = 0.1$ and $x = -0.1$.",),
        ),
    ),
)

TRACK = TrackSpec(
    slug="limits",
    title="Limits",
    description=(
        "The idea calculus is built on: what a function approaches. Substitution, factoring, "
        "special limits, infinity and continuity."
    ),
    subject=Subject.LIMITS,
    grade_level=12,
    difficulty=Difficulty.HARD,
    estimated_hours=Decimal("5.0"),
    colour="#6a1b9a",
    icon="♾️",
    xp_to_unlock=800,
    prerequisites=("fractions",),
    units=(
        UnitSpec(
            title="Computing limits",
            description="Substitute when you can; factor when you get 0/0.",
            lessons=(SUBSTITUTION, FACTORING),
        ),
        UnitSpec(
            title="Special limits",
            description=r"$\frac{\sin x}{x}$ and the number $e$.",
            lessons=(TRIGONOMETRIC, EXPONENTIAL),
        ),
        UnitSpec(
            title="Limits at infinity",
            description="End behaviour of rational and other functions.",
            lessons=(AT_INFINITY,),
        ),
        UnitSpec(
            title="Continuity and one-sided limits",
            description="When limits from the left and right agree, and what that means.",
            lessons=(ONE_SIDED, CONCEPTS),
        ),
    ),
)
