r"""Antiderivatives: reversing the rules, substitution, and definite integrals.

Indefinite integrals are graded up to a constant, and the learner must write her own constant
(`x^3/3 + C`): leaving it out is answered with "Don't forget the constant of integration."
Parametrised texts are templates: `{a}` is a parameter, `{{` and `}}` are literal braces.
"""

from __future__ import annotations

from decimal import Decimal

from curriculum.models import Difficulty, Subject

from .specs import LessonSpec, TrackSpec, UnitSpec, antiderivative, choice, expression, number

ADD_C = "Remember to add the constant of integration, $+\\,C$."

POWERS = LessonSpec(
    title="The power rule in reverse",
    description=(
        r"$\int x^n\,dx = \frac{x^{n+1}}{n+1} + C$ for $n \ne -1$, and $\ln|x|$ for $n = "
        r"-1$."
    ),
    tags=("antiderivatives", "power rule"),
    exercises=(
        antiderivative(
            r"Find $\int x^4\,dx$.",
            "x^5/5",
            explanation=(
                r"Raise the power by one and divide by the new power: $\frac{x^5}{5} + C$. "
                r"Check: $\frac{d}{dx}\,\frac{x^5}{5} = x^4$."
            ),
            hints=(
                r"Which function has derivative $x^4$? Try $x^5$ and fix the factor.",
                ADD_C,
            ),
            difficulty=Difficulty.EASY,
        ),
        antiderivative(
            r"Find $\int \sqrt{x}\,dx$.",
            "(2/3)x^(3/2)",
            explanation=(r"$\int x^{1/2}\,dx = \frac{x^{3/2}}{3/2} + C = \frac{2}{3}x^{3/2} + C$."),
            hints=(
                r"Write $\sqrt{x} = x^{1/2}$.",
                r"The new power is $\frac{3}{2}$; dividing by it is multiplying by $\frac{2}{3}$.",
            ),
        ),
        antiderivative(
            r"Find $\int \frac{1}{x^2}\,dx$.",
            "-1/x",
            explanation=r"$\int x^{-2}\,dx = \frac{x^{-1}}{-1} + C = -\frac{1}{x} + C$.",
            hints=(
                r"Write $\frac{1}{x^2} = x^{-2}$.",
                "Raising -2 by one gives -1; divide by -1.",
            ),
        ),
        antiderivative(
            r"Find $\int \frac{1}{x}\,dx$.",
            "ln|x|",
            explanation=(
                r"The power rule fails for $n = -1$. Since $\frac{d}{dx}\,\ln|x| = \frac{1}{x}$ "
                r"for every $x \ne 0$, the answer is $\ln|x| + C$."
            ),
            hints=(
                r"The power rule would divide by $0$ here.",
                r"Which function has derivative $\frac{1}{x}$? Make it work for negative $x$ too.",
                r"Use absolute value: $\ln|x|$.",
            ),
        ),
        antiderivative(
            r"Find $\int 7\,dx$.",
            "7x",
            explanation=r"$\frac{d}{dx}\,7x = 7$, so $\int 7\,dx = 7x + C$.",
            hints=(
                "Which function has a constant slope of 7?",
                ADD_C,
            ),
            difficulty=Difficulty.INTRODUCTORY,
        ),
        antiderivative(
            r"Find $\int {a}x^{{{n}}}\,dx$.",
            "{a/(n+1)}x^{n+1}",
            parameters={"a": [2, 9], "n": [1, 5]},
            explanation=(r"$\int {a}x^{{{n}}}\,dx = \frac{{{a}}}{{{n+1}}}x^{{{n+1}}} + C$."),
            hints=(
                r"Raise the power to {n+1}, then divide by {n+1}.",
                ADD_C,
            ),
        ),
    ),
)

SUMS = LessonSpec(
    title="Sums and constant multiples",
    description="Integrate term by term, and keep constant factors.",
    tags=("antiderivatives",),
    exercises=(
        antiderivative(
            r"Find $\int (3x^2 + 4x - 5)\,dx$.",
            "x^3 + 2x^2 - 5x",
            explanation=r"Term by term: $x^3 + 2x^2 - 5x + C$.",
            hints=(
                "Integrate each term separately.",
                r"$\int 3x^2\,dx = x^3$ and $\int 4x\,dx = 2x^2$.",
            ),
            difficulty=Difficulty.EASY,
        ),
        antiderivative(
            r"Find $\int \left(x^3 - \frac{2}{x}\right)dx$.",
            "x^4/4 - 2ln|x|",
            explanation=r"$\frac{x^4}{4} - 2\ln|x| + C$.",
            hints=(
                "Integrate each term separately.",
                r"$\int \frac{2}{x}\,dx = 2\ln|x|$.",
            ),
        ),
        antiderivative(
            r"Find $\int \frac{x^2 + 1}{x}\,dx$.",
            "x^2/2 + ln|x|",
            explanation=(
                r"Split the fraction: $\frac{x^2 + 1}{x} = x + \frac{1}{x}$, so the integral is "
                r"$\frac{x^2}{2} + \ln|x| + C$."
            ),
            hints=(
                "Divide each term of the numerator by x first.",
                r"$\frac{x^2 + 1}{x} = x + \frac{1}{x}$.",
            ),
        ),
        antiderivative(
            r"Find $\int (2x + 1)^2\,dx$.",
            "4x^3/3 + 2x^2 + x",
            explanation=(
                r"Expand: $(2x + 1)^2 = 4x^2 + 4x + 1$, so the integral is "
                r"$\frac{4x^3}{3} + 2x^2 + x + C$ (or $\frac{(2x + 1)^3}{6} + C$)."
            ),
            hints=(
                "Expand the square first.",
                r"$(2x + 1)^2 = 4x^2 + 4x + 1$.",
            ),
        ),
        choice(
            r"Why do we write $+\,C$ after an antiderivative?",
            [
                (
                    "Because $F + C$ has the same derivative as $F$ for every constant $C$",
                    "Yes: an antiderivative is only determined up to a constant.",
                ),
                (
                    "Because $C$ is the value of the integral at 0",
                    "Not in general; C can be any number.",
                ),
                ("To make the answer look complete", "It is not decoration: it carries meaning."),
                (
                    "Because $C$ stands for the area under the curve",
                    "Areas come from definite integrals.",
                ),
            ],
            correct=0,
            explanation=(
                r"Constants have derivative 0, so $x^2$, $x^2 + 1$ and $x^2 - 7$ all have "
                r"derivative $2x$. The $+\,C$ stands for all of them."
            ),
            hints=("What is the derivative of a constant?",),
            difficulty=Difficulty.EASY,
        ),
        choice(
            r"Which of these is an antiderivative of $2x$?",
            [
                (r"$x^2 + 7$", r"Yes: $\frac{d}{dx}\,(x^2 + 7) = 2x$; the 7 does no harm."),
                ("$2$", r"2 is the derivative of $2x$, not an antiderivative."),
                (r"$\frac{x^2}{2}$", r"Its derivative is $x$, not $2x$."),
                (r"$2x^2$", r"Its derivative is $4x$."),
            ],
            correct=0,
            explanation=(r"Check by differentiating: only $x^2 + 7$ gives back $2x$."),
            hints=("Differentiate each option.",),
            difficulty=Difficulty.EASY,
        ),
    ),
)

TRIGONOMETRIC = LessonSpec(
    title="Trigonometric functions",
    description="Reverse the derivatives of sine, cosine and tangent.",
    tags=("antiderivatives", "trigonometry"),
    exercises=(
        antiderivative(
            r"Find $\int \cos x\,dx$.",
            "sin(x)",
            explanation=r"$\frac{d}{dx}\,\sin x = \cos x$, so $\int \cos x\,dx = \sin x + C$.",
            hints=(r"Which function has derivative $\cos x$?", ADD_C),
            difficulty=Difficulty.EASY,
        ),
        antiderivative(
            r"Find $\int \sin x\,dx$.",
            "-cos(x)",
            explanation=(
                r"$\frac{d}{dx}\,(-\cos x) = \sin x$, so $\int \sin x\,dx = -\cos x + C$."
            ),
            hints=(
                r"The derivative of $\cos x$ is $-\sin x$.",
                "Watch the sign.",
            ),
        ),
        antiderivative(
            r"Find $\int \sec^2 x\,dx$.",
            "tan(x)",
            explanation=r"$\frac{d}{dx}\,\tan x = \sec^2 x$, so the answer is $\tan x + C$.",
            hints=(r"Which trigonometric function has derivative $\sec^2 x$?",),
        ),
        antiderivative(
            r"Find $\int (\sin x + 2\cos x)\,dx$.",
            "-cos(x) + 2sin(x)",
            explanation=r"$-\cos x + 2\sin x + C$.",
            hints=(
                "Integrate term by term.",
                r"$\int \sin x\,dx = -\cos x$ and $\int \cos x\,dx = \sin x$.",
            ),
        ),
        antiderivative(
            r"Find $\int \cos({a}x)\,dx$.",
            "sin({a}x)/{a}",
            parameters={"a": [2, 9]},
            explanation=(
                r"$\frac{{d}}{{dx}}\,\sin({a}x) = {a}\cos({a}x)$, so divide by {a}: "
                r"$\frac{{1}}{{{a}}}\sin({a}x) + C$."
            ),
            hints=(
                r"Try $\sin({a}x)$ and differentiate it: what extra factor appears?",
                "Divide by that factor.",
            ),
        ),
    ),
)

EXPONENTIAL = LessonSpec(
    title="Exponentials and the arctangent",
    description=r"$e^x$, $e^{kx}$, $a^x$ and $\frac{1}{1 + x^2}$.",
    tags=("antiderivatives", "exponentials"),
    exercises=(
        antiderivative(
            r"Find $\int e^x\,dx$.",
            "e^x",
            explanation=r"$e^x$ is its own derivative, so $\int e^x\,dx = e^x + C$.",
            hints=(r"Which function is its own derivative?", ADD_C),
            difficulty=Difficulty.EASY,
        ),
        antiderivative(
            r"Find $\int e^{2x}\,dx$.",
            "e^(2x)/2",
            explanation=(
                r"$\frac{d}{dx}\,e^{2x} = 2e^{2x}$, so divide by 2: $\frac{1}{2}e^{2x} + C$."
            ),
            hints=(
                r"Differentiate $e^{2x}$: what factor appears?",
                "Divide by 2 to cancel it.",
            ),
        ),
        antiderivative(
            r"Find $\int 3^x\,dx$.",
            "3^x/ln(3)",
            explanation=(
                r"$\frac{d}{dx}\,3^x = 3^x \ln 3$, so $\int 3^x\,dx = \frac{3^x}{\ln 3} + C$."
            ),
            hints=(
                r"$\frac{d}{dx}\,a^x = a^x \ln a$.",
                r"Divide by $\ln 3$.",
            ),
            difficulty=Difficulty.HARD,
        ),
        antiderivative(
            r"Find $\int \frac{1}{1 + x^2}\,dx$.",
            "arctan(x)",
            explanation=(
                r"$\frac{d}{dx}\,\arctan x = \frac{1}{1 + x^2}$, so the answer is $\arctan x + "
                r"C$."
            ),
            hints=(
                "This is the derivative of an inverse trigonometric function.",
                "Type the inverse tangent as arctan(x).",
            ),
        ),
        antiderivative(
            r"Find $\int {a}e^{{{b}x}}\,dx$.",
            "{a/b}e^({b}x)",
            parameters={"a": [1, 9], "b": [2, 5]},
            explanation=(
                r"$\frac{{d}}{{dx}}\,e^{{{b}x}} = {b}e^{{{b}x}}$, so "
                r"$\int {a}e^{{{b}x}}\,dx = \frac{{{a}}}{{{b}}}e^{{{b}x}} + C$."
            ),
            hints=(
                r"Differentiating $e^{{{b}x}}$ brings out a factor {b}.",
                r"Multiply by {a} and divide by {b}.",
            ),
        ),
    ),
)

SUBSTITUTION = LessonSpec(
    title="Undoing the chain rule",
    description="Spot the inside function and its derivative: substitution.",
    tags=("antiderivatives", "substitution"),
    exercises=(
        antiderivative(
            r"Find $\int 2x\cos(x^2)\,dx$.",
            "sin(x^2)",
            explanation=(
                r"With $u = x^2$, $du = 2x\,dx$: $\int \cos u\,du = \sin u + C = \sin(x^2) + C$."
            ),
            hints=(
                r"$2x$ is the derivative of $x^2$.",
                r"Substitute $u = x^2$.",
            ),
        ),
        antiderivative(
            r"Find $\int 2x\,(x^2 + 1)^3\,dx$.",
            "(x^2+1)^4/4",
            explanation=(
                r"With $u = x^2 + 1$, $du = 2x\,dx$: $\int u^3\,du = \frac{u^4}{4} + C = "
                r"\frac{(x^2 + 1)^4}{4} + C$."
            ),
            hints=(
                r"$2x$ is the derivative of $x^2 + 1$.",
                r"Substitute $u = x^2 + 1$.",
            ),
        ),
        antiderivative(
            r"Find $\int x e^{x^2}\,dx$.",
            "e^(x^2)/2",
            explanation=(
                r"With $u = x^2$, $x\,dx = \frac{1}{2}du$: "
                r"$\frac{1}{2}\int e^u\,du = \frac{1}{2}e^{x^2} + C$."
            ),
            hints=(
                r"Substitute $u = x^2$; then $du = 2x\,dx$.",
                r"Only $x\,dx$ is there, which is $\frac{1}{2}du$.",
            ),
        ),
        antiderivative(
            r"Find $\int \frac{2x}{x^2 + 1}\,dx$.",
            "ln(x^2+1)",
            explanation=(
                r"The numerator is the derivative of the denominator: "
                r"$\int \frac{du}{u} = \ln|u| + C = \ln(x^2 + 1) + C$ (no absolute value "
                r"needed, since $x^2 + 1 > 0$)."
            ),
            hints=(
                "Compare the numerator with the derivative of the denominator.",
                r"$\int \frac{u'}{u}\,dx = \ln|u|$.",
            ),
        ),
        antiderivative(
            r"Find $\int \tan x\,dx$.",
            "-ln|cos(x)|",
            explanation=(
                r"$\tan x = \frac{\sin x}{\cos x}$; with $u = \cos x$, $du = -\sin x\,dx$: "
                r"$-\int \frac{du}{u} = -\ln|\cos x| + C$ (which is also $\ln|\sec x| + C$)."
            ),
            hints=(
                r"Write $\tan x = \frac{\sin x}{\cos x}$.",
                r"Substitute $u = \cos x$.",
                r"Keep the absolute value: $\ln|u|$.",
            ),
            difficulty=Difficulty.HARD,
        ),
        antiderivative(
            r"Find $\int \sin x \cos x\,dx$.",
            "sin(x)^2/2",
            explanation=(
                r"With $u = \sin x$, $du = \cos x\,dx$: $\int u\,du = \frac{\sin^2 x}{2} + C$. "
                r"($-\frac{\cos^2 x}{2}$ and $-\frac{\cos 2x}{4}$ are right too: they differ "
                "by a constant.)"
            ),
            hints=(
                r"$\cos x$ is the derivative of $\sin x$.",
                r"Substitute $u = \sin x$.",
            ),
        ),
        antiderivative(
            r"Find $\int \frac{\ln x}{x}\,dx$.",
            "ln(x)^2/2",
            explanation=(
                r"With $u = \ln x$, $du = \frac{dx}{x}$: $\int u\,du = \frac{(\ln x)^2}{2} + C$."
            ),
            hints=(
                r"$\frac{1}{x}$ is the derivative of $\ln x$.",
                r"Substitute $u = \ln x$.",
            ),
        ),
    ),
)

DEFINITE = LessonSpec(
    title="Evaluating definite integrals",
    description=r"$\int_a^b f(x)\,dx = F(b) - F(a)$.",
    tags=("definite integrals",),
    xp_reward=15,
    exercises=(
        number(
            r"Find $\int_0^2 3x^2\,dx$.",
            8,
            explanation=r"$\left[x^3\right]_0^2 = 8 - 0 = 8$.",
            hints=(
                r"An antiderivative of $3x^2$ is $x^3$.",
                r"Compute $F(2) - F(0)$.",
            ),
            difficulty=Difficulty.EASY,
        ),
        number(
            r"Find $\int_1^4 \sqrt{x}\,dx$.",
            "14/3",
            explanation=(
                r"$\left[\frac{2}{3}x^{3/2}\right]_1^4 = \frac{2}{3}(8 - 1) = \frac{14}{3}$."
            ),
            hints=(
                r"An antiderivative of $\sqrt{x}$ is $\frac{2}{3}x^{3/2}$.",
                r"$4^{3/2} = 8$ and $1^{3/2} = 1$.",
            ),
        ),
        number(
            r"Find $\int_0^{\pi} \sin x\,dx$.",
            2,
            explanation=r"$\left[-\cos x\right]_0^{\pi} = -\cos\pi + \cos 0 = 1 + 1 = 2$.",
            hints=(
                r"An antiderivative of $\sin x$ is $-\cos x$.",
                r"$\cos\pi = -1$ and $\cos 0 = 1$.",
            ),
        ),
        number(
            r"Find $\int_{-1}^{1} x^3\,dx$.",
            0,
            explanation=(
                r"$\left[\frac{x^4}{4}\right]_{-1}^{1} = \frac{1}{4} - \frac{1}{4} = 0$: "
                r"$x^3$ is odd, so the areas above and below the axis cancel."
            ),
            hints=(
                r"Is $x^3$ an even or an odd function?",
                r"Compute $\frac{x^4}{4}$ at both ends.",
            ),
        ),
        number(
            r"Find $\int_1^{e} \frac{1}{x}\,dx$.",
            1,
            explanation=r"$\left[\ln x\right]_1^{e} = \ln e - \ln 1 = 1 - 0 = 1$.",
            hints=(r"An antiderivative of $\frac{1}{x}$ is $\ln x$ (for $x > 0$).",),
        ),
        expression(
            r"Find the exact value of $\int_0^1 e^x\,dx$.",
            "e - 1",
            explanation=r"$\left[e^x\right]_0^1 = e^1 - e^0 = e - 1 \approx 1.718$.",
            hints=(
                r"An antiderivative of $e^x$ is $e^x$.",
                r"$e^0 = 1$.",
            ),
        ),
        number(
            r"Find $\int_0^1 \frac{1}{1 + x^2}\,dx$ to two decimal places.",
            "0.785",
            abs_tol=0.005,
            explanation=(
                r"$\left[\arctan x\right]_0^1 = \frac{\pi}{4} - 0 \approx 0.785$, so 0.79 to two "
                "decimal places."
            ),
            hints=(
                r"An antiderivative of $\frac{1}{1 + x^2}$ is $\arctan x$.",
                r"$\arctan 1 = \frac{\pi}{4}$.",
            ),
            difficulty=Difficulty.MEDIUM,
        ),
        number(
            r"Find $\int_0^{{{b}}} {a}x\,dx$.",
            "{a*b^2/2}",
            parameters={"a": [1, 9], "b": [1, 6]},
            explanation=(
                r"$\left[\frac{{{a}}}{{2}}x^2\right]_0^{{{b}}} = \frac{{{a}}}{{2}} \cdot {b^2} "
                r"= {a*b^2/2}$."
            ),
            hints=(
                r"An antiderivative of ${a}x$ is $\frac{{{a}}}{{2}}x^2$.",
                r"Substitute $x = {b}$ and $x = 0$, and subtract.",
            ),
            difficulty=Difficulty.EASY,
        ),
        choice(
            r"If $f(x) < 0$ for all $x$ in $[a, b]$ (with $a < b$), then $\int_a^b f(x)\,dx$ is…",
            [
                ("negative", "Yes: the region lies below the x-axis, so it counts negatively."),
                ("positive", "Areas below the axis count as negative in a definite integral."),
                (
                    "zero",
                    "Only if the parts above and below the axis cancel; here all of it is below.",
                ),
                ("undefined", "A continuous function can be integrated whatever its sign."),
            ],
            correct=0,
            explanation=(
                "A definite integral is a signed area: regions below the x-axis contribute "
                "negatively."
            ),
            hints=("Picture the graph below the x-axis.",),
            difficulty=Difficulty.EASY,
        ),
        number(
            r"A car's velocity is $v(t) = 3t^2$ m/s. How far does it travel between $t = 0$ and "
            r"$t = 2$ seconds?",
            8,
            unit="m",
            explanation=(
                r"Distance is the integral of velocity: $\int_0^2 3t^2\,dt = \left[t^3\right]_0^2 "
                "= 8$ m."
            ),
            hints=(
                "Distance travelled is the integral of velocity over time.",
                r"An antiderivative of $3t^2$ is $t^3$.",
            ),
        ),
    ),
)

TRACK = TrackSpec(
    slug="antiderivatives",
    title="Antiderivatives",
    description=(
        "Running the derivative backwards: basic rules, trigonometric and exponential "
        "functions, substitution, and definite integrals."
    ),
    subject=Subject.INTEGRALS,
    grade_level=12,
    difficulty=Difficulty.CHALLENGING,
    estimated_hours=Decimal("8.0"),
    colour="#00838f",
    icon="∫",
    xp_to_unlock=1400,
    prerequisites=("derivatives",),
    units=(
        UnitSpec(
            title="Basic antiderivatives",
            description="The power rule in reverse, sums and constants.",
            lessons=(POWERS, SUMS),
        ),
        UnitSpec(
            title="Trigonometric and exponential functions",
            description="Reading the derivative tables backwards.",
            lessons=(TRIGONOMETRIC, EXPONENTIAL),
        ),
        UnitSpec(
            title="Substitution",
            description="Undoing the chain rule.",
            lessons=(SUBSTITUTION,),
        ),
        UnitSpec(
            title="Definite integrals",
            description="The fundamental theorem of calculus at work.",
            lessons=(DEFINITE,),
        ),
    ),
)
