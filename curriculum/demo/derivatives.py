r"""Derivatives: the power, product, quotient and chain rules, trig, exp and ln, and meaning.

Answers are expressions in x, checked for equivalence, so any correct form is accepted
(`3x^2 sin x + x^3 cos x` or `x^2(3 sin x + x cos x)`).
Parametrised texts are templates: `{a}` is a parameter, `{{` and `}}` are literal braces.
"""

from __future__ import annotations

from decimal import Decimal

from curriculum.models import Difficulty, Subject

from .specs import LessonSpec, TrackSpec, UnitSpec, choice, expression, number, words

POWERS = LessonSpec(
    title="Powers of x",
    description=r"$\frac{d}{dx}\,x^n = n x^{n-1}$, for any real power $n$.",
    tags=("derivatives", "power rule"),
    exercises=(
        expression(
            r"Find $\frac{d}{dx}\,x^5$.",
            "5x^4",
            explanation=r"Bring the power down and lower it by one: $5x^4$.",
            hints=(r"Power rule: $\frac{d}{dx}\,x^n = n x^{n-1}$.",),
            difficulty=Difficulty.EASY,
        ),
        expression(
            r"Find $\frac{d}{dx}\,\sqrt{x}$.",
            "1/(2sqrt(x))",
            explanation=(
                r"$\sqrt{x} = x^{1/2}$, so the derivative is "
                r"$\frac{1}{2}x^{-1/2} = \frac{1}{2\sqrt{x}}$."
            ),
            hints=(
                r"Write $\sqrt{x}$ as a power of $x$.",
                r"$\sqrt{x} = x^{1/2}$; now use the power rule.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,\frac{1}{x^3}$.",
            "-3/x^4",
            explanation=(
                r"$\frac{1}{x^3} = x^{-3}$, so the derivative is $-3x^{-4} = "
                r"-\frac{3}{x^4}$."
            ),
            hints=(
                r"Write $\frac{1}{x^3}$ as $x^{-3}$.",
                "Lowering -3 by one gives -4.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,x^{2/3}$.",
            "(2/3)x^(-1/3)",
            explanation=(
                r"$\frac{2}{3}x^{2/3 - 1} = \frac{2}{3}x^{-1/3} = \frac{2}{3\sqrt[3]{x}}$."
            ),
            hints=(
                "The power rule works for fractional powers too.",
                r"$\frac{2}{3} - 1 = -\frac{1}{3}$.",
            ),
        ),
        expression(
            r"Find $\frac{{d}}{{dx}}\,{a}x^{{{n}}}$.",
            "{a*n}x^{n-1}",
            parameters={"a": [2, 9], "n": [2, 6]},
            explanation=(
                r"Constants stay, and the power rule does the rest: "
                r"${a} \cdot {n}\,x^{{{n-1}}} = {a*n}x^{{{n-1}}}$."
            ),
            hints=(
                r"$\frac{{d}}{{dx}}\,c\,x^n = c\,n\,x^{{n-1}}$.",
                r"Multiply {a} by {n}, and lower the power to {n-1}.",
            ),
            difficulty=Difficulty.EASY,
        ),
    ),
)

POLYNOMIALS = LessonSpec(
    title="Sums and polynomials",
    description="Differentiate term by term; constants vanish.",
    tags=("derivatives", "power rule"),
    exercises=(
        expression(
            r"Find $\frac{d}{dx}\,(3x^4 - 2x^2 + 7x - 5)$.",
            "12x^3 - 4x + 7",
            explanation=(r"Term by term: $12x^3 - 4x + 7$; the constant $-5$ has derivative 0."),
            hints=(
                "Differentiate each term separately.",
                r"$\frac{d}{dx}\,3x^4 = 12x^3$, and a constant has derivative 0.",
            ),
            difficulty=Difficulty.EASY,
        ),
        expression(
            r"Find $\frac{d}{dx}\,\left(x^3 + 4\sqrt{x}\right)$.",
            "3x^2 + 2/sqrt(x)",
            explanation=(r"$3x^2 + 4 \cdot \frac{1}{2}x^{-1/2} = 3x^2 + \frac{2}{\sqrt{x}}$."),
            hints=(
                r"$4\sqrt{x} = 4x^{1/2}$.",
                r"$\frac{d}{dx}\,4x^{1/2} = 2x^{-1/2}$.",
            ),
        ),
        expression(
            r"Find $\frac{{d}}{{dx}}\,\left({a}x^{{{n}}} + {b}x\right)$.",
            "{a*n}x^{n-1} + {b}",
            parameters={"a": [2, 9], "b": [1, 9], "n": [2, 5]},
            explanation=r"Term by term: ${a*n}x^{{{n-1}}} + {b}$.",
            hints=(
                "Differentiate each term separately.",
                r"$\frac{{d}}{{dx}}\,{b}x = {b}$.",
            ),
            difficulty=Difficulty.EASY,
        ),
        choice(
            r"What is $\frac{d}{dx}\,\pi^2$?",
            [
                (r"$2\pi$", r"That treats $\pi$ as the variable; here the variable is $x$."),
                ("$0$", r"Yes: $\pi^2$ is a constant, so its derivative is 0."),
                (r"$\pi^2$", "Only $e^x$ is its own derivative."),
                (r"$2\pi x$", r"There is no $x$ in $\pi^2$ to differentiate."),
            ],
            correct=1,
            explanation=r"$\pi^2 \approx 9.87$ is a number, and a constant does not change: 0.",
            hints=(r"Does $\pi^2$ depend on $x$?",),
            difficulty=Difficulty.EASY,
        ),
        number(
            r"If $f(x) = x^3 - 6x$, find $f'(2)$.",
            6,
            explanation=r"$f'(x) = 3x^2 - 6$, so $f'(2) = 12 - 6 = 6$.",
            hints=(
                "Differentiate first, then substitute.",
                r"$f'(x) = 3x^2 - 6$.",
            ),
            difficulty=Difficulty.EASY,
        ),
    ),
)

PRODUCTS = LessonSpec(
    title="Product rule",
    description="$(fg)' = f'g + fg'$.",
    tags=("derivatives", "product rule"),
    exercises=(
        expression(
            r"Find $\frac{d}{dx}\,x^3\sin x$.",
            "3x^2 sin(x) + x^3 cos(x)",
            explanation=r"$(x^3)'\sin x + x^3(\sin x)' = 3x^2\sin x + x^3\cos x$.",
            hints=(
                r"Product rule: $(fg)' = f'g + fg'$ with $f = x^3$, $g = \sin x$.",
                r"$f' = 3x^2$ and $g' = \cos x$.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,x^2 e^x$.",
            "2x e^x + x^2 e^x",
            explanation=r"$2x\,e^x + x^2 e^x = x e^x (x + 2)$.",
            hints=(
                "Use the product rule.",
                r"$(x^2)' = 2x$ and $(e^x)' = e^x$.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,x\ln x$.",
            "ln(x) + 1",
            explanation=r"$1 \cdot \ln x + x \cdot \frac{1}{x} = \ln x + 1$.",
            hints=(
                "Use the product rule.",
                r"$(\ln x)' = \frac{1}{x}$.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,e^x\cos x$.",
            "e^x cos(x) - e^x sin(x)",
            explanation=r"$e^x\cos x + e^x(-\sin x) = e^x(\cos x - \sin x)$.",
            hints=(
                "Use the product rule.",
                r"$(\cos x)' = -\sin x$.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,(x^2 + 1)(x^3 - x)$.",
            "5x^4 - 1",
            explanation=(
                r"Product rule: $2x(x^3 - x) + (x^2 + 1)(3x^2 - 1) = 5x^4 - 1$. "
                r"(Or expand first: $(x^2 + 1)(x^3 - x) = x^5 - x$.)"
            ),
            hints=(
                "Use the product rule, or multiply out first.",
                r"Multiplied out, the function is $x^5 - x$.",
            ),
        ),
    ),
)

QUOTIENTS = LessonSpec(
    title="Quotient rule",
    description=r"$\left(\frac{f}{g}\right)' = \frac{f'g - fg'}{g^2}$.",
    tags=("derivatives", "quotient rule"),
    exercises=(
        expression(
            r"Find $\frac{d}{dx}\,\dfrac{\sin x}{x}$.",
            "(x cos(x) - sin(x))/x^2",
            explanation=(
                r"$\frac{\cos x \cdot x - \sin x \cdot 1}{x^2} = \frac{x\cos x - \sin "
                r"x}{x^2}$."
            ),
            hints=(
                r"Quotient rule with $f = \sin x$ and $g = x$.",
                r"$\frac{f'g - fg'}{g^2}$ with $f' = \cos x$, $g' = 1$.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,\dfrac{x}{x + 1}$.",
            "1/(x+1)^2",
            explanation=r"$\frac{1 \cdot (x + 1) - x \cdot 1}{(x + 1)^2} = \frac{1}{(x + 1)^2}$.",
            hints=(
                "Use the quotient rule.",
                r"The numerator is $(x + 1) - x$.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,\dfrac{x^2}{x - 1}$.",
            "(x^2 - 2x)/(x - 1)^2",
            explanation=(
                r"$\frac{2x(x - 1) - x^2 \cdot 1}{(x - 1)^2} = \frac{x^2 - 2x}{(x - 1)^2}$."
            ),
            hints=(
                "Use the quotient rule.",
                r"Numerator: $2x(x - 1) - x^2$.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,\dfrac{e^x}{x}$.",
            "e^x (x - 1)/x^2",
            explanation=r"$\frac{e^x \cdot x - e^x \cdot 1}{x^2} = \frac{e^x(x - 1)}{x^2}$.",
            hints=(
                "Use the quotient rule.",
                r"$(e^x)' = e^x$ and $(x)' = 1$.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,\dfrac{\ln x}{x}$.",
            "(1 - ln(x))/x^2",
            explanation=(
                r"$\frac{\frac{1}{x} \cdot x - \ln x \cdot 1}{x^2} = \frac{1 - \ln "
                r"x}{x^2}$."
            ),
            hints=(
                "Use the quotient rule.",
                r"$\frac{1}{x} \cdot x = 1$.",
            ),
            difficulty=Difficulty.HARD,
        ),
        choice(
            r"Which of these is $\left(\dfrac{f}{g}\right)'$?",
            [
                (r"$\dfrac{f'g - fg'}{g^2}$", "Yes: the quotient rule."),
                (
                    r"$\dfrac{fg' - f'g}{g^2}$",
                    "The order in the numerator matters: the sign is flipped.",
                ),
                (r"$\dfrac{f'}{g'}$", "Derivatives do not divide like that."),
                (
                    r"$\dfrac{f'g + fg'}{g^2}$",
                    "That numerator belongs to the product rule; here it is a difference.",
                ),
            ],
            correct=0,
            explanation=(
                r"$\left(\frac{f}{g}\right)' = \frac{f'g - fg'}{g^2}$: "
                "'low d-high minus high d-low, over low squared'."
            ),
            hints=(r"Check with $f = 1$, $g = x$: the answer must be $-\frac{1}{x^2}$.",),
            difficulty=Difficulty.EASY,
        ),
    ),
)

CHAIN = LessonSpec(
    title="Chain rule",
    description=r"$\frac{d}{dx}\,f(g(x)) = f'(g(x))\,g'(x)$: outside, then inside.",
    tags=("derivatives", "chain rule"),
    exercises=(
        expression(
            r"Find $\frac{d}{dx}\,(3x + 1)^5$.",
            "15(3x+1)^4",
            explanation=r"$5(3x + 1)^4 \cdot 3 = 15(3x + 1)^4$.",
            hints=(
                "Differentiate the outside power, then multiply by the derivative of the inside.",
                r"The inside is $3x + 1$, with derivative 3.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,\sin(x^2)$.",
            "2x cos(x^2)",
            explanation=r"$\cos(x^2) \cdot 2x$.",
            hints=(
                r"The outside is $\sin$, the inside is $x^2$.",
                r"$\cos(\text{inside}) \cdot (\text{inside})'$.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,e^{3x}$.",
            "3e^(3x)",
            explanation=r"$e^{3x} \cdot 3 = 3e^{3x}$.",
            hints=(r"The derivative of $e^u$ is $e^u u'$.",),
            difficulty=Difficulty.EASY,
        ),
        expression(
            r"Find $\frac{d}{dx}\,\sqrt{x^2 + 1}$.",
            "x/sqrt(x^2+1)",
            explanation=(r"$\frac{1}{2\sqrt{x^2 + 1}} \cdot 2x = \frac{x}{\sqrt{x^2 + 1}}$."),
            hints=(
                r"$\frac{d}{du}\,\sqrt{u} = \frac{1}{2\sqrt{u}}$.",
                r"Multiply by the derivative of $x^2 + 1$, which is $2x$.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,\ln(x^2 + 1)$.",
            "2x/(x^2+1)",
            explanation=r"$\frac{1}{x^2 + 1} \cdot 2x = \frac{2x}{x^2 + 1}$.",
            hints=(
                r"$\frac{d}{dx}\,\ln u = \frac{u'}{u}$.",
                r"Here $u = x^2 + 1$ and $u' = 2x$.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,\cos^3 x$.",
            "-3cos(x)^2 sin(x)",
            explanation=(
                r"$\cos^3 x = (\cos x)^3$: $3(\cos x)^2 \cdot (-\sin x) = -3\cos^2 x\,\sin x$."
            ),
            hints=(
                r"$\cos^3 x$ means $(\cos x)^3$: the outside is a cube.",
                r"$3\cos^2 x$ times the derivative of $\cos x$.",
            ),
            difficulty=Difficulty.HARD,
        ),
        expression(
            r"Find $\frac{d}{dx}\,e^{\sin x}$.",
            "cos(x) e^(sin(x))",
            explanation=r"$e^{\sin x} \cdot \cos x$.",
            hints=(r"The derivative of $e^u$ is $e^u u'$ with $u = \sin x$.",),
        ),
        expression(
            r"Find $\frac{{d}}{{dx}}\,({a}x + {b})^{{{n}}}$.",
            "{a*n}({a}x + {b})^{n-1}",
            parameters={"a": [2, 5], "b": [1, 9], "n": [2, 6]},
            explanation=(r"${n}({a}x + {b})^{{{n-1}}} \cdot {a} = {a*n}({a}x + {b})^{{{n-1}}}$."),
            hints=(
                "Power rule on the outside, then multiply by the inside's derivative.",
                r"The derivative of ${a}x + {b}$ is {a}.",
            ),
        ),
        expression(
            r"Find $\frac{{d}}{{dx}}\,\sin({a}x)$.",
            "{a}cos({a}x)",
            parameters={"a": [2, 9]},
            explanation=r"$\cos({a}x) \cdot {a} = {a}\cos({a}x)$.",
            hints=(r"The inside ${a}x$ has derivative {a}.",),
            difficulty=Difficulty.EASY,
        ),
        expression(
            r"Find $\frac{{d}}{{dx}}\,e^{{{a}x^2}}$.",
            "{2*a}x e^({a}x^2)",
            parameters={"a": [2, 6]},
            explanation=r"$e^{{{a}x^2}} \cdot {2*a}x = {2*a}x\,e^{{{a}x^2}}$.",
            hints=(
                r"The derivative of $e^u$ is $e^u u'$.",
                r"Here $u = {a}x^2$, so $u' = {2*a}x$.",
            ),
        ),
    ),
)

TRIGONOMETRIC = LessonSpec(
    title="Trigonometric functions",
    description="Sine, cosine, tangent, secant and the inverse tangent.",
    tags=("derivatives", "trigonometry"),
    exercises=(
        expression(
            r"Find $\frac{d}{dx}\,\tan x$.",
            "sec(x)^2",
            explanation=(
                r"$\tan x = \frac{\sin x}{\cos x}$; the quotient rule gives "
                r"$\frac{\cos^2 x + \sin^2 x}{\cos^2 x} = \frac{1}{\cos^2 x} = \sec^2 x$."
            ),
            hints=(
                r"Write $\tan x = \frac{\sin x}{\cos x}$.",
                r"Use $\sin^2 x + \cos^2 x = 1$ in the numerator.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,(\sin x + \cos x)$.",
            "cos(x) - sin(x)",
            explanation=r"$\cos x + (-\sin x) = \cos x - \sin x$.",
            hints=(r"$(\sin x)' = \cos x$ and $(\cos x)' = -\sin x$.",),
            difficulty=Difficulty.EASY,
        ),
        expression(
            r"Find $\frac{d}{dx}\,\sec x$.",
            "sec(x) tan(x)",
            explanation=(
                r"$\sec x = (\cos x)^{-1}$, so the derivative is $-(\cos x)^{-2}(-\sin x) = "
                r"\frac{\sin x}{\cos^2 x} = \sec x \tan x$."
            ),
            hints=(
                r"Write $\sec x = (\cos x)^{-1}$ and use the chain rule.",
                r"$\frac{\sin x}{\cos^2 x} = \frac{1}{\cos x} \cdot \frac{\sin x}{\cos x}$.",
            ),
            difficulty=Difficulty.HARD,
        ),
        choice(
            r"What is $\frac{d}{dx}\,\cos x$?",
            [
                (r"$\sin x$", "Check the sign: cos decreases where sin is positive."),
                (r"$-\sin x$", "Yes."),
                (r"$-\cos x$", r"That is the second derivative of $\cos x$."),
                (r"$\sec^2 x$", r"That is the derivative of $\tan x$."),
            ],
            correct=1,
            explanation=(
                r"$\frac{d}{dx}\,\cos x = -\sin x$: just after $x = 0$, $\cos x$ starts to "
                r"decrease while $\sin x > 0$."
            ),
            hints=(r"Is $\cos x$ increasing or decreasing just after $x = 0$?",),
            difficulty=Difficulty.EASY,
        ),
        expression(
            r"Find $\frac{d}{dx}\,\arctan x$.",
            "1/(1+x^2)",
            explanation=(
                r"If $y = \arctan x$ then $\tan y = x$, so $\sec^2 y \, y' = 1$ and "
                r"$y' = \frac{1}{1 + \tan^2 y} = \frac{1}{1 + x^2}$."
            ),
            hints=(
                r"Differentiate $\tan y = x$ implicitly.",
                r"$\sec^2 y = 1 + \tan^2 y = 1 + x^2$.",
            ),
            difficulty=Difficulty.HARD,
        ),
    ),
)

EXPONENTIAL = LessonSpec(
    title="Exponentials and logarithms",
    description=r"$e^x$, $a^x$, $\ln x$ and $\log_b x$.",
    tags=("derivatives", "exponentials", "logarithms"),
    exercises=(
        expression(
            r"Find $\frac{d}{dx}\,\ln(5x)$.",
            "1/x",
            explanation=(
                r"Chain rule: $\frac{5}{5x} = \frac{1}{x}$. Or: $\ln(5x) = \ln 5 + \ln x$, "
                r"and $\ln 5$ is a constant."
            ),
            hints=(
                r"Use $\ln(ab) = \ln a + \ln b$.",
                r"$\ln 5$ is a constant.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,2^x$.",
            "2^x ln(2)",
            explanation=r"$2^x = e^{x\ln 2}$, so the derivative is $e^{x\ln 2}\ln 2 = 2^x\ln 2$.",
            hints=(
                r"Write $2^x = e^{x \ln 2}$.",
                r"$\frac{d}{dx}\,a^x = a^x \ln a$.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,\log_{10} x$.",
            "1/(x ln(10))",
            explanation=(
                r"$\log_{10} x = \frac{\ln x}{\ln 10}$, so the derivative is "
                r"$\frac{1}{x \ln 10}$."
            ),
            hints=(
                r"Change of base: $\log_{10} x = \frac{\ln x}{\ln 10}$.",
                r"$\ln 10$ is a constant.",
            ),
        ),
        expression(
            r"Find $\frac{d}{dx}\,x^x$ (for $x > 0$).",
            "x^x (ln(x) + 1)",
            explanation=(
                r"$x^x = e^{x \ln x}$, so the derivative is $e^{x\ln x}(\ln x + 1) = "
                r"x^x(\ln x + 1)$."
            ),
            hints=(
                "Neither the power rule nor the exponential rule applies directly.",
                r"Write $x^x = e^{x \ln x}$.",
                r"The derivative of $x \ln x$ is $\ln x + 1$.",
            ),
            difficulty=Difficulty.CHALLENGING,
        ),
    ),
)

MEANING = LessonSpec(
    title="Slopes and rates",
    description="The derivative as the slope of the tangent and as a rate of change.",
    tags=("derivatives", "applications"),
    exercises=(
        number(
            r"Find the slope of the tangent line to $y = x^2 - 3x$ at $x = 4$.",
            5,
            explanation=r"$y' = 2x - 3$, so the slope at $x = 4$ is $8 - 3 = 5$.",
            hints=(
                "The slope of the tangent is the derivative.",
                r"$y' = 2x - 3$.",
            ),
            difficulty=Difficulty.EASY,
        ),
        number(
            r"A ball's height after $t$ seconds is $h(t) = 20t - 5t^2$ metres. How fast is it "
            r"rising at $t = 1$?",
            10,
            unit="m/s",
            explanation=r"$h'(t) = 20 - 10t$, so $h'(1) = 10$ m/s.",
            hints=(
                "Speed of rising is the derivative of height.",
                r"$h'(t) = 20 - 10t$.",
            ),
        ),
        choice(
            r"If $f'(a) = 0$, the tangent line to the graph of $f$ at $x = a$ is…",
            [
                ("horizontal", "Yes: its slope is 0."),
                ("vertical", "A vertical line has no slope at all, not slope 0."),
                ("undefined", r"$f'(a)$ exists (it is 0), so there is a tangent line."),
                ("the x-axis", r"Only if also $f(a) = 0$; in general it is the line $y = f(a)$."),
            ],
            correct=0,
            explanation=(
                r"The tangent at $a$ has slope $f'(a) = 0$: it is the horizontal line $y = "
                r"f(a)$."
            ),
            hints=("The derivative is the slope of the tangent line.",),
            difficulty=Difficulty.EASY,
        ),
        number(
            r"If $f(x) = \sin x$, find $f'(0)$.",
            1,
            explanation=r"$f'(x) = \cos x$ and $\cos 0 = 1$.",
            hints=(r"$(\sin x)' = \cos x$.",),
            difficulty=Difficulty.EASY,
        ),
        words(
            "Fill in the blank: the derivative of position with respect to time is ______.",
            ["velocity", "the velocity"],
            explanation=(
                "Velocity is the rate of change of position; its derivative in turn is "
                "acceleration."
            ),
            hints=("How fast the position changes, with a direction.",),
            difficulty=Difficulty.EASY,
        ),
    ),
)

TRACK = TrackSpec(
    slug="derivatives",
    title="Derivatives",
    description=(
        "Rates of change: the power, product, quotient and chain rules, derivatives of trig, "
        "exponential and logarithmic functions, and what a derivative tells you."
    ),
    subject=Subject.DERIVATIVES,
    grade_level=12,
    difficulty=Difficulty.HARD,
    estimated_hours=Decimal("8.0"),
    colour="#c62828",
    icon="📈",
    xp_to_unlock=1100,
    prerequisites=("limits",),
    units=(
        UnitSpec(
            title="The power rule",
            description="Powers of x and polynomials.",
            lessons=(POWERS, POLYNOMIALS),
        ),
        UnitSpec(
            title="Product and quotient rules",
            description="Differentiating products and fractions of functions.",
            lessons=(PRODUCTS, QUOTIENTS),
        ),
        UnitSpec(
            title="The chain rule",
            description="Functions inside functions.",
            lessons=(CHAIN,),
        ),
        UnitSpec(
            title="Trigonometric, exponential and logarithmic functions",
            description="The derivatives every calculus student knows by heart.",
            lessons=(TRIGONOMETRIC, EXPONENTIAL),
        ),
        UnitSpec(
            title="What the derivative tells you",
            description="Tangent slopes and rates of change.",
            lessons=(MEANING,),
        ),
    ),
)
