"""The tutor's tasks for the demo curriculum, keyed by exercise prompt (as stored: a template
for parametrised exercises).

The demo content states its questions in LaTeX prompts only; the tutor needs the mathematics
itself (the function to differentiate, the limit point, the fractions). An author can put the
same dictionary under the answer spec's "tutor" key; for the demo it lives here, so the
content files stay as they are. Strings are templates like the spec's (`{a}`).
"""

from __future__ import annotations

from typing import Any

DEMO_TASKS: dict[str, dict[str, Any]] = {
    # {'value': 15}
    "Fill in the missing numerator: $\\frac{3}{4} = \\frac{?}{20}$.": {
        "task": "equivalent_fraction",
        "of": "3/4",
        "denominator": "20",
    },
    # {'value': 8}
    "Fill in the missing numerator: $\\frac{2}{3} = \\frac{?}{12}$.": {
        "task": "equivalent_fraction",
        "of": "2/3",
        "denominator": "12",
    },
    # {'value': 24}
    "Fill in the missing denominator: $\\frac{5}{6} = \\frac{20}{?}$.": {
        "task": "equivalent_fraction",
        "of": "5/6",
        "numerator": "20",
    },
    # {'value': 2}
    "Fill in the missing numerator: $\\frac{12}{18} = \\frac{?}{3}$.": {
        "task": "equivalent_fraction",
        "of": "12/18",
        "denominator": "3",
    },
    # {'value': '{a*k}'} {'a': [1, 4], 'b': [5, 9], 'k': [2, 6]}
    "Fill in the missing numerator: $\\frac{{{a}}}{{{b}}} = \\frac{{?}}{{{b*k}}}$.": {
        "task": "equivalent_fraction",
        "of": "{a}/{b}",
        "denominator": "{b*k}",
    },
    # {'value': '0.75'}
    "Write $\\frac{9}{12}$ as a decimal.": {
        "task": "fractions",
        "stages": ["9/12"],
        "as": "decimal",
    },
    # {'value': '5/7'}
    "Find $\\frac{2}{7} + \\frac{3}{7}$.": {"task": "fractions", "stages": [["2/7", "+", "3/7"]]},
    # {'value': '1/2'}
    "Find $\\frac{5}{8} - \\frac{1}{8}$.": {"task": "fractions", "stages": [["5/8", "-", "1/8"]]},
    # {'value': '6/5'}
    "Find $\\frac{3}{10} + \\frac{9}{10}$.": {
        "task": "fractions",
        "stages": [["3/10", "+", "9/10"]],
    },
    # {'value': '5/6'}
    "Find $\\frac{1}{2} + \\frac{1}{3}$.": {"task": "fractions", "stages": [["1/2", "+", "1/3"]]},
    # {'value': '1/12'}
    "Find $\\frac{3}{4} - \\frac{2}{3}$.": {"task": "fractions", "stages": [["3/4", "-", "2/3"]]},
    # {'value': '13/20'}
    "Find $\\frac{2}{5} + \\frac{1}{4}$.": {"task": "fractions", "stages": [["2/5", "+", "1/4"]]},
    # {'value': '7/12'}
    "Find $\\frac{5}{6} - \\frac{1}{4}$.": {"task": "fractions", "stages": [["5/6", "-", "1/4"]]},
    # {'value': '9/4'}
    "Find $1\\frac{1}{2} + \\frac{3}{4}$.": {
        "task": "fractions",
        "stages": [["3/2", "+", "3/4"]],
        "words": "Write the mixed number 1 1/2 as an improper fraction: 1 1/2 = 3/2.",
    },
    # {'value': '1/{a} + 1/{b}'} {'a': [2, 5], 'b': [6, 9]}
    "Find $\\frac{{1}}{{{a}}} + \\frac{{1}}{{{b}}}$.": {
        "task": "fractions",
        "stages": [["1/{a}", "+", "1/{b}"]],
    },
    # {'value': '2/5'}
    "Find $\\frac{2}{3} \\times \\frac{3}{5}$.": {
        "task": "fractions",
        "stages": [["2/3", "×", "3/5"]],
    },
    # {'value': '2/3'}
    "Find $\\frac{3}{4} \\times \\frac{8}{9}$.": {
        "task": "fractions",
        "stages": [["3/4", "×", "8/9"]],
    },
    # {'value': 8}
    "What is $\\frac{2}{3}$ of 12?": {
        "task": "fractions",
        "stages": [["2/3", "×", "12"]],
        "words": "A fraction of a number means times: 2/3 of 12 is 2/3 × 12.",
    },
    # {'value': '5/2'}
    "Find $\\frac{5}{6} \\times 3$.": {"task": "fractions", "stages": [["5/6", "×", "3"]]},
    # {'value': '3/2'}
    "Find $\\frac{2}{3} \\div \\frac{4}{9}$.": {
        "task": "fractions",
        "stages": [["2/3", "÷", "4/9"]],
    },
    # {'value': '{a*c}/{b*d}'} {'a': [1, 4], 'b': [5, 9], 'c': [1, 4], 'd': [5, 9]}
    "Find $\\frac{{{a}}}{{{b}}} \\times \\frac{{{c}}}{{{d}}}$.": {
        "task": "fractions",
        "stages": [["{a}/{b}", "×", "{c}/{d}"]],
    },
    # {'value': '5/12'}
    "A ribbon is $\\frac{3}{4}$ m long. You cut off $\\frac{1}{3}$ m. How much ribbon is left?": {
        "task": "fractions",
        "stages": [["3/4", "-", "1/3"]],
        "words": "What is left is the length minus the piece cut off: 3/4 - 1/3.",
    },
    # {'value': '3/2', 'unit': ['cups', 'cup']}
    "A recipe needs $\\frac{3}{4}$ cup of flour. How much flour do you need for 2 batches?": {
        "task": "fractions",
        "stages": [["3/4", "×", "2"]],
        "words": "Two batches need twice as much flour: 3/4 × 2.",
    },
    # {'value': '9/10'}
    "Maya walks $\\frac{2}{5}$ km to school and then $\\frac{1}{2}$ km to the park. How far does she walk in total?": {  # noqa: E501
        "task": "fractions",
        "stages": [["2/5", "+", "1/2"]],
        "words": "The total distance is the sum of the two walks: 2/5 + 1/2.",
    },
    # {'value': 70}
    "A film lasts $1\\frac{3}{4}$ hours. You have watched $\\frac{2}{3}$ of it. How many minutes have you watched?": {  # noqa: E501
        "task": "fractions",
        "stages": [["7/4", "×", "2/3"], ["7/6", "×", "60"]],
        "words": "1 3/4 hours is 7/4 hours. Take 2/3 of it, then turn hours into minutes (× 60).",
    },
    # {'value': '15/4'}
    "A bag holds 6 kg of rice. You use $\\frac{3}{8}$ of it. How many kilograms are left?": {
        "task": "fractions",
        "stages": [["3/8", "×", "6"], ["6", "-", "9/4"]],
        "words": "First work out the rice used (3/8 of 6 kg), then take it away from 6 kg.",
    },
    # {'value': '2/3', 'unit': ['pizza', 'pizzas']}
    "Three friends share 2 pizzas equally. How much pizza does each friend get?": {
        "task": "fractions",
        "stages": [["2", "÷", "3"]],
        "words": "Sharing 2 pizzas equally among 3 friends is 2 ÷ 3.",
    },
    # {'value': 6}
    "A jug holds $\\frac{3}{4}$ L of juice. How many glasses of $\\frac{1}{8}$ L can you fill?": {
        "task": "fractions",
        "stages": [["3/4", "÷", "1/8"]],
        "words": "How many eighths of a litre fit in three quarters of a litre: 3/4 ÷ 1/8.",
    },
    # {'value': 3}
    "Find $\\lim_{x \\to 2} (3x^2 - 5x + 1)$.": {
        "task": "limit",
        "of": "3x^2 - 5x + 1",
        "variable": "x",
        "to": "2",
    },
    # {'value': 4}
    "Find $\\lim_{x \\to -1} \\dfrac{x^2 + 3}{x + 2}$.": {
        "task": "limit",
        "of": "(x^2 + 3)/(x + 2)",
        "variable": "x",
        "to": "-1",
    },
    # {'value': 6}
    "Find $\\lim_{x \\to 4} \\sqrt{x}\\,(x - 1)$.": {
        "task": "limit",
        "of": "sqrt(x)(x - 1)",
        "variable": "x",
        "to": "4",
    },
    # {'value': '{a^2 + b*a}'} {'a': [-4, 4], 'b': [1, 9]}
    "Find $\\lim_{{x \\to {a}}} (x^2 + {b}x)$.": {
        "task": "limit",
        "of": "x^2 + {b}x",
        "variable": "x",
        "to": "{a}",
    },
    # {'value': 6}
    "Find $\\lim_{x \\to 3} \\dfrac{x^2 - 9}{x - 3}$.": {
        "task": "limit",
        "of": "(x^2 - 9)/(x - 3)",
        "variable": "x",
        "to": "3",
    },
    # {'value': -1}
    "Find $\\lim_{x \\to 2} \\dfrac{x^2 - 5x + 6}{x - 2}$.": {
        "task": "limit",
        "of": "(x^2 - 5x + 6)/(x - 2)",
        "variable": "x",
        "to": "2",
    },
    # {'value': 3}
    "Find $\\lim_{x \\to 1} \\dfrac{x^3 - 1}{x - 1}$.": {
        "task": "limit",
        "of": "(x^3 - 1)/(x - 1)",
        "variable": "x",
        "to": "1",
    },
    # {'value': '1/4'}
    "Find $\\lim_{x \\to 0} \\dfrac{\\sqrt{x + 4} - 2}{x}$.": {
        "task": "limit",
        "of": "(sqrt(x + 4) - 2)/x",
        "variable": "x",
        "to": "0",
    },
    # {'value': 4}
    "Find $\\lim_{h \\to 0} \\dfrac{(2 + h)^2 - 4}{h}$.": {
        "task": "limit",
        "of": "((2 + h)^2 - 4)/h",
        "variable": "h",
        "to": "0",
    },
    # {'value': '{2*a}'} {'a': [2, 9]}
    "Find $\\lim_{{x \\to {a}}} \\dfrac{{x^2 - {a^2}}}{{x - {a}}}$.": {
        "task": "limit",
        "of": "(x^2 - {a^2})/(x - {a})",
        "variable": "x",
        "to": "{a}",
    },
    # {'value': '1/4'}
    "Find $\\lim_{x \\to -2} \\dfrac{x^2 + 3x + 2}{x^2 - 4}$.": {
        "task": "limit",
        "of": "(x^2 + 3x + 2)/(x^2 - 4)",
        "variable": "x",
        "to": "-2",
    },
    # {'value': 1}
    "Find $\\lim_{x \\to 0} \\dfrac{\\sin x}{x}$.": {
        "task": "limit",
        "of": "sin(x)/x",
        "variable": "x",
        "to": "0",
    },
    # {'value': 5}
    "Find $\\lim_{x \\to 0} \\dfrac{\\sin 5x}{x}$.": {
        "task": "limit",
        "of": "sin(5x)/x",
        "variable": "x",
        "to": "0",
    },
    # {'value': '3/2'}
    "Find $\\lim_{x \\to 0} \\dfrac{\\sin 3x}{\\sin 2x}$.": {
        "task": "limit",
        "of": "sin(3x)/sin(2x)",
        "variable": "x",
        "to": "0",
    },
    # {'value': '1/2'}
    "Find $\\lim_{x \\to 0} \\dfrac{1 - \\cos x}{x^2}$.": {
        "task": "limit",
        "of": "(1 - cos(x))/x^2",
        "variable": "x",
        "to": "0",
    },
    # {'value': 1}
    "Find $\\lim_{x \\to 0} \\dfrac{\\tan x}{x}$.": {
        "task": "limit",
        "of": "tan(x)/x",
        "variable": "x",
        "to": "0",
    },
    # {'value': '{a}/{b}'} {'a': [2, 9], 'b': [2, 9], 'constraints': ['a != b']}
    "Find $\\lim_{{x \\to 0}} \\dfrac{{\\sin {a}x}}{{{b}x}}$.": {
        "task": "limit",
        "of": "sin({a}x)/({b}x)",
        "variable": "x",
        "to": "0",
    },
    # {'answer': 'e'}
    "Find the exact value of $\\lim_{x \\to \\infty} \\left(1 + \\frac{1}{x}\\right)^{x}$.": {
        "task": "limit",
        "of": "(1 + 1/x)^x",
        "variable": "x",
        "to": "oo",
    },
    # {'answer': 'e^2'}
    "Find the exact value of $\\lim_{x \\to \\infty} \\left(1 + \\frac{2}{x}\\right)^{x}$.": {
        "task": "limit",
        "of": "(1 + 2/x)^x",
        "variable": "x",
        "to": "oo",
    },
    # {'value': 1}
    "Find $\\lim_{x \\to 0} \\dfrac{e^x - 1}{x}$.": {
        "task": "limit",
        "of": "(e^x - 1)/x",
        "variable": "x",
        "to": "0",
    },
    # {'answer': 'e^3'}
    "Find the exact value of $\\lim_{x \\to 0} (1 + 3x)^{1/x}$.": {
        "task": "limit",
        "of": "(1 + 3x)^(1/x)",
        "variable": "x",
        "to": "0",
    },
    # {'value': '3/2'}
    "Find $\\lim_{x \\to \\infty} \\dfrac{3x^2 + 1}{2x^2 - x}$.": {
        "task": "limit",
        "of": "(3x^2 + 1)/(2x^2 - x)",
        "variable": "x",
        "to": "oo",
    },
    # {'value': 0}
    "Find $\\lim_{x \\to \\infty} \\dfrac{5x + 2}{x^2 + 1}$.": {
        "task": "limit",
        "of": "(5x + 2)/(x^2 + 1)",
        "variable": "x",
        "to": "oo",
    },
    # {'value': 2}
    "Find $\\lim_{x \\to -\\infty} \\dfrac{4x^3 - x}{2x^3 + 7}$.": {
        "task": "limit",
        "of": "(4x^3 - x)/(2x^3 + 7)",
        "variable": "x",
        "to": "-oo",
    },
    # {'value': 3}
    "Find $\\lim_{x \\to \\infty} \\left(\\sqrt{x^2 + 6x} - x\\right)$.": {
        "task": "limit",
        "of": "sqrt(x^2 + 6x) - x",
        "variable": "x",
        "to": "oo",
    },
    # {'value': 0}
    "Find $\\lim_{x \\to \\infty} \\dfrac{\\sin x}{x}$.": {
        "task": "limit",
        "of": "sin(x)/x",
        "variable": "x",
        "to": "oo",
    },
    # {'value': '{a}/{b}'} {'a': [1, 9], 'b': [2, 9]}
    "Find $\\lim_{{x \\to \\infty}} \\dfrac{{{a}x^2 + 1}}{{{b}x^2 - 3}}$.": {
        "task": "limit",
        "of": "({a}x^2 + 1)/({b}x^2 - 3)",
        "variable": "x",
        "to": "oo",
    },
    # {'value': 1}
    "Find $\\lim_{x \\to 0^+} \\dfrac{|x|}{x}$.": {
        "task": "limit",
        "of": "|x|/x",
        "variable": "x",
        "to": "0",
        "side": "+",
    },
    # {'value': 3}
    "Let $f(x) = x + 1$ for $x < 2$ and $f(x) = 5 - x$ for $x \\ge 2$. Find $\\lim_{x \\to 2} f(x)$.": {  # noqa: E501
        "task": "limit",
        "left": "x + 1",
        "right": "5 - x",
        "variable": "x",
        "to": "2",
    },
    # {'answer': '5x^4'}
    "Find $\\frac{d}{dx}\\,x^5$.": {"task": "differentiate", "of": "x^5", "variable": "x"},
    # {'answer': '1/(2sqrt(x))'}
    "Find $\\frac{d}{dx}\\,\\sqrt{x}$.": {
        "task": "differentiate",
        "of": "sqrt(x)",
        "variable": "x",
    },
    # {'answer': '-3/x^4'}
    "Find $\\frac{d}{dx}\\,\\frac{1}{x^3}$.": {
        "task": "differentiate",
        "of": "1/x^3",
        "variable": "x",
    },
    # {'answer': '(2/3)x^(-1/3)'}
    "Find $\\frac{d}{dx}\\,x^{2/3}$.": {"task": "differentiate", "of": "x^(2/3)", "variable": "x"},
    # {'answer': '{a*n}x^{n-1}'} {'a': [2, 9], 'n': [2, 6]}
    "Find $\\frac{{d}}{{dx}}\\,{a}x^{{{n}}}$.": {
        "task": "differentiate",
        "of": "{a}x^{n}",
        "variable": "x",
    },
    # {'answer': '12x^3 - 4x + 7'}
    "Find $\\frac{d}{dx}\\,(3x^4 - 2x^2 + 7x - 5)$.": {
        "task": "differentiate",
        "of": "3x^4 - 2x^2 + 7x - 5",
        "variable": "x",
    },
    # {'answer': '3x^2 + 2/sqrt(x)'}
    "Find $\\frac{d}{dx}\\,\\left(x^3 + 4\\sqrt{x}\\right)$.": {
        "task": "differentiate",
        "of": "x^3 + 4sqrt(x)",
        "variable": "x",
    },
    # {'answer': '{a*n}x^{n-1} + {b}'} {'a': [2, 9], 'b': [1, 9], 'n': [2, 5]}
    "Find $\\frac{{d}}{{dx}}\\,\\left({a}x^{{{n}}} + {b}x\\right)$.": {
        "task": "differentiate",
        "of": "{a}x^{n} + {b}x",
        "variable": "x",
    },
    # {'value': 6}
    "If $f(x) = x^3 - 6x$, find $f'(2)$.": {
        "task": "differentiate",
        "of": "x^3 - 6x",
        "variable": "x",
        "at": "2",
    },
    # {'answer': '3x^2 sin(x) + x^3 cos(x)'}
    "Find $\\frac{d}{dx}\\,x^3\\sin x$.": {
        "task": "differentiate",
        "of": "x^3 sin(x)",
        "variable": "x",
    },
    # {'answer': '2x e^x + x^2 e^x'}
    "Find $\\frac{d}{dx}\\,x^2 e^x$.": {"task": "differentiate", "of": "x^2 e^x", "variable": "x"},
    # {'answer': 'ln(x) + 1'}
    "Find $\\frac{d}{dx}\\,x\\ln x$.": {"task": "differentiate", "of": "x ln(x)", "variable": "x"},
    # {'answer': 'e^x cos(x) - e^x sin(x)'}
    "Find $\\frac{d}{dx}\\,e^x\\cos x$.": {
        "task": "differentiate",
        "of": "e^x cos(x)",
        "variable": "x",
    },
    # {'answer': '5x^4 - 1'}
    "Find $\\frac{d}{dx}\\,(x^2 + 1)(x^3 - x)$.": {
        "task": "differentiate",
        "of": "(x^2 + 1)(x^3 - x)",
        "variable": "x",
    },
    # {'answer': '(x cos(x) - sin(x))/x^2'}
    "Find $\\frac{d}{dx}\\,\\dfrac{\\sin x}{x}$.": {
        "task": "differentiate",
        "of": "sin(x)/x",
        "variable": "x",
    },
    # {'answer': '1/(x+1)^2'}
    "Find $\\frac{d}{dx}\\,\\dfrac{x}{x + 1}$.": {
        "task": "differentiate",
        "of": "x/(x + 1)",
        "variable": "x",
    },
    # {'answer': '(x^2 - 2x)/(x - 1)^2'}
    "Find $\\frac{d}{dx}\\,\\dfrac{x^2}{x - 1}$.": {
        "task": "differentiate",
        "of": "x^2/(x - 1)",
        "variable": "x",
    },
    # {'answer': 'e^x (x - 1)/x^2'}
    "Find $\\frac{d}{dx}\\,\\dfrac{e^x}{x}$.": {
        "task": "differentiate",
        "of": "e^x/x",
        "variable": "x",
    },
    # {'answer': '(1 - ln(x))/x^2'}
    "Find $\\frac{d}{dx}\\,\\dfrac{\\ln x}{x}$.": {
        "task": "differentiate",
        "of": "ln(x)/x",
        "variable": "x",
    },
    # {'answer': '15(3x+1)^4'}
    "Find $\\frac{d}{dx}\\,(3x + 1)^5$.": {
        "task": "differentiate",
        "of": "(3x + 1)^5",
        "variable": "x",
    },
    # {'answer': '2x cos(x^2)'}
    "Find $\\frac{d}{dx}\\,\\sin(x^2)$.": {
        "task": "differentiate",
        "of": "sin(x^2)",
        "variable": "x",
    },
    # {'answer': '3e^(3x)'}
    "Find $\\frac{d}{dx}\\,e^{3x}$.": {"task": "differentiate", "of": "e^(3x)", "variable": "x"},
    # {'answer': 'x/sqrt(x^2+1)'}
    "Find $\\frac{d}{dx}\\,\\sqrt{x^2 + 1}$.": {
        "task": "differentiate",
        "of": "sqrt(x^2 + 1)",
        "variable": "x",
    },
    # {'answer': '2x/(x^2+1)'}
    "Find $\\frac{d}{dx}\\,\\ln(x^2 + 1)$.": {
        "task": "differentiate",
        "of": "ln(x^2 + 1)",
        "variable": "x",
    },
    # {'answer': '-3cos(x)^2 sin(x)'}
    "Find $\\frac{d}{dx}\\,\\cos^3 x$.": {
        "task": "differentiate",
        "of": "cos(x)^3",
        "variable": "x",
    },
    # {'answer': 'cos(x) e^(sin(x))'}
    "Find $\\frac{d}{dx}\\,e^{\\sin x}$.": {
        "task": "differentiate",
        "of": "e^(sin(x))",
        "variable": "x",
    },
    # {'answer': '{a*n}({a}x + {b})^{n-1}'} {'a': [2, 5], 'b': [1, 9], 'n': [2, 6]}
    "Find $\\frac{{d}}{{dx}}\\,({a}x + {b})^{{{n}}}$.": {
        "task": "differentiate",
        "of": "({a}x + {b})^{n}",
        "variable": "x",
    },
    # {'answer': '{a}cos({a}x)'} {'a': [2, 9]}
    "Find $\\frac{{d}}{{dx}}\\,\\sin({a}x)$.": {
        "task": "differentiate",
        "of": "sin({a}x)",
        "variable": "x",
    },
    # {'answer': '{2*a}x e^({a}x^2)'} {'a': [2, 6]}
    "Find $\\frac{{d}}{{dx}}\\,e^{{{a}x^2}}$.": {
        "task": "differentiate",
        "of": "e^({a}x^2)",
        "variable": "x",
    },
    # {'answer': 'sec(x)^2'}
    "Find $\\frac{d}{dx}\\,\\tan x$.": {"task": "differentiate", "of": "tan(x)", "variable": "x"},
    # {'answer': 'cos(x) - sin(x)'}
    "Find $\\frac{d}{dx}\\,(\\sin x + \\cos x)$.": {
        "task": "differentiate",
        "of": "sin(x) + cos(x)",
        "variable": "x",
    },
    # {'answer': 'sec(x) tan(x)'}
    "Find $\\frac{d}{dx}\\,\\sec x$.": {"task": "differentiate", "of": "sec(x)", "variable": "x"},
    # {'answer': '1/(1+x^2)'}
    "Find $\\frac{d}{dx}\\,\\arctan x$.": {
        "task": "differentiate",
        "of": "arctan(x)",
        "variable": "x",
    },
    # {'answer': '1/x'}
    "Find $\\frac{d}{dx}\\,\\ln(5x)$.": {"task": "differentiate", "of": "ln(5x)", "variable": "x"},
    # {'answer': '2^x ln(2)'}
    "Find $\\frac{d}{dx}\\,2^x$.": {"task": "differentiate", "of": "2^x", "variable": "x"},
    # {'answer': '1/(x ln(10))'}
    "Find $\\frac{d}{dx}\\,\\log_{10} x$.": {
        "task": "differentiate",
        "of": "ln(x)/ln(10)",
        "variable": "x",
    },
    # {'answer': 'x^x (ln(x) + 1)'}
    "Find $\\frac{d}{dx}\\,x^x$ (for $x > 0$).": {
        "task": "differentiate",
        "of": "x^x",
        "variable": "x",
    },
    # {'value': 5}
    "Find the slope of the tangent line to $y = x^2 - 3x$ at $x = 4$.": {
        "task": "differentiate",
        "of": "x^2 - 3x",
        "variable": "x",
        "at": "4",
    },
    # {'value': 10}
    "A ball's height after $t$ seconds is $h(t) = 20t - 5t^2$ metres. How fast is it rising at $t = 1$?": {  # noqa: E501
        "task": "differentiate",
        "of": "20t - 5t^2",
        "variable": "t",
        "at": "1",
    },
    # {'value': 1}
    "If $f(x) = \\sin x$, find $f'(0)$.": {
        "task": "differentiate",
        "of": "sin(x)",
        "variable": "x",
        "at": "0",
    },
    # {'answer': 'x^5/5', 'up_to_constant': True}
    "Find $\\int x^4\\,dx$.": {"task": "integrate", "of": "x^4", "variable": "x"},
    # {'answer': '(2/3)x^(3/2)', 'up_to_constant': True}
    "Find $\\int \\sqrt{x}\\,dx$.": {"task": "integrate", "of": "sqrt(x)", "variable": "x"},
    # {'answer': '-1/x', 'up_to_constant': True}
    "Find $\\int \\frac{1}{x^2}\\,dx$.": {"task": "integrate", "of": "1/x^2", "variable": "x"},
    # {'answer': 'ln|x|', 'up_to_constant': True}
    "Find $\\int \\frac{1}{x}\\,dx$.": {"task": "integrate", "of": "1/x", "variable": "x"},
    # {'answer': '7x', 'up_to_constant': True}
    "Find $\\int 7\\,dx$.": {"task": "integrate", "of": "7", "variable": "x"},
    # {'answer': '{a/(n+1)}x^{n+1}', 'up_to_constant': True} {'a': [2, 9], 'n': [1, 5]}
    "Find $\\int {a}x^{{{n}}}\\,dx$.": {"task": "integrate", "of": "{a}x^{n}", "variable": "x"},
    # {'answer': 'x^3 + 2x^2 - 5x', 'up_to_constant': True}
    "Find $\\int (3x^2 + 4x - 5)\\,dx$.": {
        "task": "integrate",
        "of": "3x^2 + 4x - 5",
        "variable": "x",
    },
    # {'answer': 'x^4/4 - 2ln|x|', 'up_to_constant': True}
    "Find $\\int \\left(x^3 - \\frac{2}{x}\\right)dx$.": {
        "task": "integrate",
        "of": "x^3 - 2/x",
        "variable": "x",
    },
    # {'answer': 'x^2/2 + ln|x|', 'up_to_constant': True}
    "Find $\\int \\frac{x^2 + 1}{x}\\,dx$.": {
        "task": "integrate",
        "of": "(x^2 + 1)/x",
        "variable": "x",
    },
    # {'answer': '4x^3/3 + 2x^2 + x', 'up_to_constant': True}
    "Find $\\int (2x + 1)^2\\,dx$.": {"task": "integrate", "of": "(2x + 1)^2", "variable": "x"},
    # {'answer': 'sin(x)', 'up_to_constant': True}
    "Find $\\int \\cos x\\,dx$.": {"task": "integrate", "of": "cos(x)", "variable": "x"},
    # {'answer': '-cos(x)', 'up_to_constant': True}
    "Find $\\int \\sin x\\,dx$.": {"task": "integrate", "of": "sin(x)", "variable": "x"},
    # {'answer': 'tan(x)', 'up_to_constant': True}
    "Find $\\int \\sec^2 x\\,dx$.": {"task": "integrate", "of": "sec(x)^2", "variable": "x"},
    # {'answer': '-cos(x) + 2sin(x)', 'up_to_constant': True}
    "Find $\\int (\\sin x + 2\\cos x)\\,dx$.": {
        "task": "integrate",
        "of": "sin(x) + 2cos(x)",
        "variable": "x",
    },
    # {'answer': 'sin({a}x)/{a}', 'up_to_constant': True} {'a': [2, 9]}
    "Find $\\int \\cos({a}x)\\,dx$.": {"task": "integrate", "of": "cos({a}x)", "variable": "x"},
    # {'answer': 'e^x', 'up_to_constant': True}
    "Find $\\int e^x\\,dx$.": {"task": "integrate", "of": "e^x", "variable": "x"},
    # {'answer': 'e^(2x)/2', 'up_to_constant': True}
    "Find $\\int e^{2x}\\,dx$.": {"task": "integrate", "of": "e^(2x)", "variable": "x"},
    # {'answer': '3^x/ln(3)', 'up_to_constant': True}
    "Find $\\int 3^x\\,dx$.": {"task": "integrate", "of": "3^x", "variable": "x"},
    # {'answer': 'arctan(x)', 'up_to_constant': True}
    "Find $\\int \\frac{1}{1 + x^2}\\,dx$.": {
        "task": "integrate",
        "of": "1/(1 + x^2)",
        "variable": "x",
    },
    # {'answer': '{a/b}e^({b}x)', 'up_to_constant': True} {'a': [1, 9], 'b': [2, 5]}
    "Find $\\int {a}e^{{{b}x}}\\,dx$.": {"task": "integrate", "of": "{a}e^({b}x)", "variable": "x"},
    # {'answer': 'sin(x^2)', 'up_to_constant': True}
    "Find $\\int 2x\\cos(x^2)\\,dx$.": {"task": "integrate", "of": "2x cos(x^2)", "variable": "x"},
    # {'answer': '(x^2+1)^4/4', 'up_to_constant': True}
    "Find $\\int 2x\\,(x^2 + 1)^3\\,dx$.": {
        "task": "integrate",
        "of": "2x(x^2 + 1)^3",
        "variable": "x",
    },
    # {'answer': 'e^(x^2)/2', 'up_to_constant': True}
    "Find $\\int x e^{x^2}\\,dx$.": {"task": "integrate", "of": "x e^(x^2)", "variable": "x"},
    # {'answer': 'ln(x^2+1)', 'up_to_constant': True}
    "Find $\\int \\frac{2x}{x^2 + 1}\\,dx$.": {
        "task": "integrate",
        "of": "2x/(x^2 + 1)",
        "variable": "x",
    },
    # {'answer': '-ln|cos(x)|', 'up_to_constant': True}
    "Find $\\int \\tan x\\,dx$.": {"task": "integrate", "of": "tan(x)", "variable": "x"},
    # {'answer': 'sin(x)^2/2', 'up_to_constant': True}
    "Find $\\int \\sin x \\cos x\\,dx$.": {
        "task": "integrate",
        "of": "sin(x)cos(x)",
        "variable": "x",
    },
    # {'answer': 'ln(x)^2/2', 'up_to_constant': True}
    "Find $\\int \\frac{\\ln x}{x}\\,dx$.": {"task": "integrate", "of": "ln(x)/x", "variable": "x"},
    # {'value': 8}
    "Find $\\int_0^2 3x^2\\,dx$.": {
        "task": "integrate",
        "of": "3x^2",
        "variable": "x",
        "from": "0",
        "to": "2",
    },
    # {'value': '14/3'}
    "Find $\\int_1^4 \\sqrt{x}\\,dx$.": {
        "task": "integrate",
        "of": "sqrt(x)",
        "variable": "x",
        "from": "1",
        "to": "4",
    },
    # {'value': 2}
    "Find $\\int_0^{\\pi} \\sin x\\,dx$.": {
        "task": "integrate",
        "of": "sin(x)",
        "variable": "x",
        "from": "0",
        "to": "pi",
    },
    # {'value': 0}
    "Find $\\int_{-1}^{1} x^3\\,dx$.": {
        "task": "integrate",
        "of": "x^3",
        "variable": "x",
        "from": "-1",
        "to": "1",
    },
    # {'value': 1}
    "Find $\\int_1^{e} \\frac{1}{x}\\,dx$.": {
        "task": "integrate",
        "of": "1/x",
        "variable": "x",
        "from": "1",
        "to": "e",
    },
    # {'answer': 'e - 1'}
    "Find the exact value of $\\int_0^1 e^x\\,dx$.": {
        "task": "integrate",
        "of": "e^x",
        "variable": "x",
        "from": "0",
        "to": "1",
    },
    # {'value': '0.785', 'abs_tol': 0.005}
    "Find $\\int_0^1 \\frac{1}{1 + x^2}\\,dx$ to two decimal places.": {
        "task": "integrate",
        "of": "1/(1 + x^2)",
        "variable": "x",
        "from": "0",
        "to": "1",
    },
    # {'value': '{a*b^2/2}'} {'a': [1, 9], 'b': [1, 6]}
    "Find $\\int_0^{{{b}}} {a}x\\,dx$.": {
        "task": "integrate",
        "of": "{a}x",
        "variable": "x",
        "from": "0",
        "to": "{b}",
    },
    # {'value': 8}
    "A car's velocity is $v(t) = 3t^2$ m/s. How far does it travel between $t = 0$ and $t = 2$ seconds?": {  # noqa: E501
        "task": "integrate",
        "of": "3t^2",
        "variable": "t",
        "from": "0",
        "to": "2",
    },
}
