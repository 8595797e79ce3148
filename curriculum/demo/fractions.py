r"""Fractions: equivalent fractions, comparing, adding, multiplying and word problems.

Numeric answers accept any equal form (`1/2`, `0.5`, `2/4`); where the *form* is the point
(simplest form) the exercise is a text exercise, so `6/8` is not taken for `3/4`.
Parametrised texts are templates: `{a}` is a parameter, `{{` and `}}` are literal braces.
"""

from __future__ import annotations

from decimal import Decimal

from curriculum.models import Difficulty, Subject

from .specs import LessonSpec, TrackSpec, UnitSpec, choice, fraction_text, number, words

EQUIVALENT = LessonSpec(
    title="Equivalent fractions",
    description="Different names for the same amount.",
    tags=("equivalent fractions",),
    exercises=(
        number(
            r"Fill in the missing numerator: $\frac{3}{4} = \frac{?}{20}$.",
            15,
            explanation=(
                r"$4 \times 5 = 20$, so multiply the numerator by 5 as well: $3 \times 5 = 15$. "
                r"So $\frac{3}{4} = \frac{15}{20}$."
            ),
            hints=(
                "What do you multiply 4 by to get 20?",
                r"$4 \times 5 = 20$. Do the same to the numerator.",
            ),
            difficulty=Difficulty.INTRODUCTORY,
        ),
        number(
            r"Fill in the missing numerator: $\frac{2}{3} = \frac{?}{12}$.",
            8,
            explanation=r"$3 \times 4 = 12$, so $2 \times 4 = 8$: $\frac{2}{3} = \frac{8}{12}$.",
            hints=(
                "What do you multiply 3 by to get 12?",
                "Multiply the numerator by 4 too.",
            ),
            difficulty=Difficulty.INTRODUCTORY,
        ),
        number(
            r"Fill in the missing denominator: $\frac{5}{6} = \frac{20}{?}$.",
            24,
            explanation=r"$5 \times 4 = 20$, so $6 \times 4 = 24$: $\frac{5}{6} = \frac{20}{24}$.",
            hints=(
                "How did the numerator get from 5 to 20?",
                "The numerator was multiplied by 4; multiply the denominator by 4.",
            ),
        ),
        number(
            r"Fill in the missing numerator: $\frac{12}{18} = \frac{?}{3}$.",
            2,
            explanation=(
                r"$18 \div 6 = 3$, so divide the numerator by 6 as well: $12 \div 6 = 2$. "
                r"So $\frac{12}{18} = \frac{2}{3}$."
            ),
            hints=(
                "Here the denominator got smaller: what did 18 get divided by?",
                r"$18 \div 6 = 3$. Divide 12 by 6.",
            ),
        ),
        choice(
            r"Which fraction is equal to $\frac{2}{5}$?",
            [
                (r"$\frac{4}{10}$", "Yes: multiply the numerator and denominator by 2."),
                (
                    r"$\frac{4}{7}$",
                    r"Adding 2 to the top and bottom changes the value: $\frac{4}{7}$ is "
                    r"about 0.57, but $\frac{2}{5} = 0.4$.",
                ),
                (r"$\frac{5}{2}$", r"That is the reciprocal: $\frac{5}{2} = 2.5$."),
                (
                    r"$\frac{2}{10}$",
                    r"Only the denominator was multiplied, so the value changed: "
                    r"$\frac{2}{10} = \frac{1}{5}$.",
                ),
            ],
            correct=0,
            explanation=(
                "Multiplying the numerator and the denominator by the same number keeps the "
                r"value: $\frac{2 \times 2}{5 \times 2} = \frac{4}{10}$."
            ),
            hints=("Equivalent fractions multiply the top and the bottom by the same number.",),
            difficulty=Difficulty.INTRODUCTORY,
        ),
        number(
            r"Fill in the missing numerator: $\frac{{{a}}}{{{b}}} = \frac{{?}}{{{b*k}}}$.",
            "{a*k}",
            parameters={"a": [1, 4], "b": [5, 9], "k": [2, 6]},
            explanation=(
                r"The denominator was multiplied by {k} (${b} \times {k} = {b*k}$), so multiply "
                r"the numerator by {k} too: ${a} \times {k} = {a*k}$."
            ),
            hints=(
                "What do you multiply {b} by to get {b*k}?",
                r"${b} \times {k} = {b*k}$. Multiply {a} by {k}.",
            ),
        ),
    ),
)

SIMPLIFYING = LessonSpec(
    title="Simplest form",
    description="Divide the numerator and denominator by their greatest common factor.",
    tags=("simplifying",),
    exercises=(
        words(
            r"Write $\frac{6}{8}$ in simplest form (type it like 3/5).",
            fraction_text("3/4"),
            explanation=(
                r"The greatest common factor of 6 and 8 is 2: "
                r"$\frac{6 \div 2}{8 \div 2} = \frac{3}{4}$."
            ),
            hints=(
                "Find a number that divides both 6 and 8.",
                "Divide the top and the bottom by 2.",
            ),
            difficulty=Difficulty.INTRODUCTORY,
        ),
        words(
            r"Write $\frac{15}{25}$ in simplest form (type it like 3/5).",
            fraction_text("3/5"),
            explanation=(
                r"15 and 25 are both multiples of 5: $\frac{15 \div 5}{25 \div 5} = \frac{3}{5}$."
            ),
            hints=(
                "Both numbers end in 5 or 0.",
                "Divide the top and the bottom by 5.",
            ),
        ),
        words(
            r"Write $\frac{18}{24}$ in simplest form (type it like 3/5).",
            fraction_text("3/4"),
            explanation=(
                r"The greatest common factor of 18 and 24 is 6: "
                r"$\frac{18 \div 6}{24 \div 6} = \frac{3}{4}$."
            ),
            hints=(
                "Both numbers are even, and both are in the 3 times table.",
                "Divide the top and the bottom by 6 (or by 2 and then by 3).",
            ),
        ),
        words(
            r"Write $\frac{14}{21}$ in simplest form (type it like 3/5).",
            fraction_text("2/3"),
            explanation=(
                r"14 and 21 are both in the 7 times table: "
                r"$\frac{14 \div 7}{21 \div 7} = \frac{2}{3}$."
            ),
            hints=(
                "Which times table has both 14 and 21 in it?",
                "Divide the top and the bottom by 7.",
            ),
        ),
        words(
            r"Write $\frac{36}{48}$ in simplest form (type it like 3/5).",
            fraction_text("3/4"),
            explanation=(
                r"The greatest common factor of 36 and 48 is 12: "
                r"$\frac{36 \div 12}{48 \div 12} = \frac{3}{4}$."
            ),
            hints=(
                "You can simplify in steps: divide by 2, then look again.",
                "Both numbers are in the 12 times table.",
            ),
            difficulty=Difficulty.MEDIUM,
        ),
        words(
            r"Write $\frac{20}{8}$ in simplest form (type it like 7/3 or as a mixed number "
            r"like 2 1/3).",
            fraction_text("5/2", "2 1/2"),
            explanation=(
                r"The greatest common factor of 20 and 8 is 4: "
                r"$\frac{20 \div 4}{8 \div 4} = \frac{5}{2}$, which is $2\frac{1}{2}$."
            ),
            hints=(
                "A fraction bigger than 1 is simplified the same way.",
                "Divide the top and the bottom by 4.",
            ),
        ),
        number(
            r"Write $\frac{9}{12}$ as a decimal.",
            "0.75",
            explanation=r"$\frac{9}{12} = \frac{3}{4}$, and $3 \div 4 = 0.75$.",
            hints=(
                "Simplify first.",
                r"$\frac{9}{12} = \frac{3}{4}$: how many hundredths is that?",
            ),
        ),
    ),
)

COMPARING = LessonSpec(
    title="Which is greater?",
    description="Compare fractions with a common denominator, or by reasoning.",
    tags=("comparing fractions",),
    exercises=(
        choice(
            r"Which is greater: $\frac{3}{5}$ or $\frac{5}{8}$?",
            [
                (
                    r"$\frac{3}{5}$",
                    r"In fortieths, $\frac{3}{5} = \frac{24}{40}$ and "
                    r"$\frac{5}{8} = \frac{25}{40}$, so $\frac{3}{5}$ is a little smaller.",
                ),
                (r"$\frac{5}{8}$", r"Yes: $\frac{25}{40} > \frac{24}{40}$."),
                ("They are equal", r"They are close, but $\frac{24}{40} \ne \frac{25}{40}$."),
            ],
            correct=1,
            explanation=(
                r"Use the common denominator 40: $\frac{3}{5} = \frac{24}{40}$ and "
                r"$\frac{5}{8} = \frac{25}{40}$, so $\frac{5}{8}$ is greater."
            ),
            hints=(
                "Rewrite both fractions with the same denominator.",
                r"Use 40: $5 \times 8 = 40$.",
            ),
        ),
        choice(
            r"Which is greater: $\frac{2}{3}$ or $\frac{3}{4}$?",
            [
                (
                    r"$\frac{2}{3}$",
                    r"$\frac{2}{3} = \frac{8}{12}$, which is less than $\frac{9}{12}$.",
                ),
                (
                    r"$\frac{3}{4}$",
                    r"Yes: $\frac{3}{4} = \frac{9}{12} > \frac{8}{12} = \frac{2}{3}$.",
                ),
                ("They are equal", r"$\frac{8}{12}$ and $\frac{9}{12}$ are different."),
            ],
            correct=1,
            explanation=(
                r"In twelfths: $\frac{2}{3} = \frac{8}{12}$ and $\frac{3}{4} = \frac{9}{12}$. "
                r"Another way: $\frac{2}{3}$ is $\frac{1}{3}$ short of 1, $\frac{3}{4}$ only "
                r"$\frac{1}{4}$ short."
            ),
            hints=("Rewrite both with denominator 12.",),
            difficulty=Difficulty.INTRODUCTORY,
        ),
        choice(
            "Which fraction is the smallest?",
            [
                (r"$\frac{1}{2}$", r"$\frac{1}{2} = 0.5$, the largest of the four."),
                (r"$\frac{3}{8}$", r"Yes: $\frac{3}{8} = 0.375$."),
                (r"$\frac{2}{5}$", r"$\frac{2}{5} = 0.4$, a little more than $\frac{3}{8}$."),
                (r"$\frac{5}{12}$", r"$\frac{5}{12} \approx 0.417$."),
            ],
            correct=1,
            explanation=(
                r"As decimals: $\frac{1}{2} = 0.5$, $\frac{3}{8} = 0.375$, $\frac{2}{5} = 0.4$ "
                r"and $\frac{5}{12} \approx 0.417$, so $\frac{3}{8}$ is the smallest."
            ),
            hints=(
                r"Compare each fraction with $\frac{1}{2}$ first.",
                "Turn each fraction into a decimal.",
            ),
            difficulty=Difficulty.MEDIUM,
        ),
        choice(
            r"Which symbol makes $\frac{4}{6} \;\square\; \frac{6}{9}$ true?",
            [
                ("$<$", r"Simplify both before comparing: they are the same fraction."),
                ("$>$", r"Simplify both before comparing: they are the same fraction."),
                ("$=$", r"Yes: both simplify to $\frac{2}{3}$."),
            ],
            correct=2,
            explanation=(
                r"$\frac{4}{6} = \frac{2}{3}$ (divide by 2) and $\frac{6}{9} = \frac{2}{3}$ "
                "(divide by 3), so they are equal."
            ),
            hints=("Write both fractions in simplest form.",),
        ),
        choice(
            r"Which is closer to 1: $\frac{7}{8}$ or $\frac{9}{10}$?",
            [
                (
                    r"$\frac{7}{8}$",
                    r"$\frac{7}{8}$ is $\frac{1}{8}$ away from 1, which is more than "
                    r"$\frac{1}{10}$.",
                ),
                (r"$\frac{9}{10}$", r"Yes: it is only $\frac{1}{10}$ away from 1."),
                ("Both are equally close", r"$\frac{1}{8}$ and $\frac{1}{10}$ are different gaps."),
            ],
            correct=1,
            explanation=(
                r"$1 - \frac{7}{8} = \frac{1}{8}$ and $1 - \frac{9}{10} = \frac{1}{10}$. "
                r"Since $\frac{1}{10} < \frac{1}{8}$, $\frac{9}{10}$ is closer to 1."
            ),
            hints=("How much is missing from each fraction to make a whole?",),
        ),
        choice(
            r"Which is greater: $\frac{5}{7}$ or $\frac{5}{9}$?",
            [
                (r"$\frac{5}{7}$", "Yes: sevenths are bigger pieces than ninths."),
                (
                    r"$\frac{5}{9}$",
                    "9 is bigger than 7, but ninths are smaller pieces than sevenths.",
                ),
                ("They are equal", "Same numerators, different denominators: not equal."),
            ],
            correct=0,
            explanation=(
                "With the same numerator, the fraction with the smaller denominator is greater: "
                "5 big pieces are more than 5 small ones."
            ),
            hints=("Both have 5 pieces. Which pieces are bigger, sevenths or ninths?",),
            difficulty=Difficulty.INTRODUCTORY,
        ),
    ),
)

SAME_DENOMINATOR = LessonSpec(
    title="Same denominator",
    description="Add or subtract the numerators; the denominator stays.",
    tags=("adding fractions",),
    exercises=(
        number(
            r"Find $\frac{2}{7} + \frac{3}{7}$.",
            "5/7",
            explanation=r"Two sevenths and three sevenths make five sevenths: $\frac{5}{7}$.",
            hints=("The pieces are the same size, so just count them.",),
            difficulty=Difficulty.INTRODUCTORY,
        ),
        number(
            r"Find $\frac{5}{8} - \frac{1}{8}$.",
            "1/2",
            explanation=r"$\frac{5}{8} - \frac{1}{8} = \frac{4}{8} = \frac{1}{2}$.",
            hints=(
                "Subtract the numerators and keep the denominator.",
                r"$\frac{4}{8}$ simplifies.",
            ),
            difficulty=Difficulty.INTRODUCTORY,
        ),
        number(
            r"Find $\frac{3}{10} + \frac{9}{10}$.",
            "6/5",
            explanation=(
                r"$\frac{3}{10} + \frac{9}{10} = \frac{12}{10} = \frac{6}{5}$, "
                r"which is $1\frac{1}{5}$ or 1.2."
            ),
            hints=(
                "Add the numerators.",
                "The answer is more than 1; 12 tenths is fine, or simplify it.",
            ),
        ),
    ),
)

DIFFERENT_DENOMINATORS = LessonSpec(
    title="Different denominators",
    description="Rewrite both fractions with a common denominator first.",
    tags=("adding fractions",),
    exercises=(
        number(
            r"Find $\frac{1}{2} + \frac{1}{3}$.",
            "5/6",
            explanation=r"$\frac{1}{2} + \frac{1}{3} = \frac{3}{6} + \frac{2}{6} = \frac{5}{6}$.",
            hints=(
                "Halves and thirds can both be written as sixths.",
                r"$\frac{1}{2} = \frac{3}{6}$ and $\frac{1}{3} = \frac{2}{6}$.",
            ),
        ),
        number(
            r"Find $\frac{3}{4} - \frac{2}{3}$.",
            "1/12",
            explanation=(
                r"$\frac{3}{4} - \frac{2}{3} = \frac{9}{12} - \frac{8}{12} = "
                r"\frac{1}{12}$."
            ),
            hints=(
                "Use the common denominator 12.",
                r"$\frac{3}{4} = \frac{9}{12}$ and $\frac{2}{3} = \frac{8}{12}$.",
            ),
        ),
        number(
            r"Find $\frac{2}{5} + \frac{1}{4}$.",
            "13/20",
            explanation=(
                r"$\frac{2}{5} + \frac{1}{4} = \frac{8}{20} + \frac{5}{20} = "
                r"\frac{13}{20}$."
            ),
            hints=(
                "Use the common denominator 20.",
                r"$\frac{2}{5} = \frac{8}{20}$ and $\frac{1}{4} = \frac{5}{20}$.",
            ),
        ),
        number(
            r"Find $\frac{5}{6} - \frac{1}{4}$.",
            "7/12",
            explanation=(
                r"$\frac{5}{6} - \frac{1}{4} = \frac{10}{12} - \frac{3}{12} = "
                r"\frac{7}{12}$."
            ),
            hints=(
                "The smallest common denominator of 6 and 4 is 12.",
                r"$\frac{5}{6} = \frac{10}{12}$ and $\frac{1}{4} = \frac{3}{12}$.",
            ),
            difficulty=Difficulty.MEDIUM,
        ),
        number(
            r"Find $1\frac{1}{2} + \frac{3}{4}$.",
            "9/4",
            explanation=(
                r"$1\frac{1}{2} = \frac{6}{4}$, so the sum is $\frac{6}{4} + \frac{3}{4} = "
                r"\frac{9}{4} = 2\frac{1}{4}$."
            ),
            hints=(
                r"Write $1\frac{1}{2}$ in quarters.",
                r"$1\frac{1}{2} = \frac{6}{4}$.",
            ),
            difficulty=Difficulty.MEDIUM,
        ),
        number(
            r"Find $\frac{{1}}{{{a}}} + \frac{{1}}{{{b}}}$.",
            "1/{a} + 1/{b}",
            parameters={"a": [2, 5], "b": [6, 9]},
            explanation=(
                r"Use the common denominator ${a} \times {b} = {a*b}$: "
                r"$\frac{{{b}}}{{{a*b}}} + \frac{{{a}}}{{{a*b}}} = \frac{{{a+b}}}{{{a*b}}}$, "
                "simplified if you can."
            ),
            hints=(
                "Find a common denominator: {a*b} always works.",
                r"$\frac{{1}}{{{a}}} = \frac{{{b}}}{{{a*b}}}$ and "
                r"$\frac{{1}}{{{b}}} = \frac{{{a}}}{{{a*b}}}$.",
            ),
            difficulty=Difficulty.MEDIUM,
        ),
    ),
)

MULTIPLYING = LessonSpec(
    title="Multiplying and dividing fractions",
    description="Multiply tops and bottoms; to divide, multiply by the reciprocal.",
    tags=("multiplying fractions",),
    exercises=(
        number(
            r"Find $\frac{2}{3} \times \frac{3}{5}$.",
            "2/5",
            explanation=r"$\frac{2 \times 3}{3 \times 5} = \frac{6}{15} = \frac{2}{5}$.",
            hints=(
                "Multiply the numerators, then the denominators.",
                r"$\frac{6}{15}$ simplifies (or cancel the 3s first).",
            ),
        ),
        number(
            r"Find $\frac{3}{4} \times \frac{8}{9}$.",
            "2/3",
            explanation=(
                r"$\frac{3 \times 8}{4 \times 9} = \frac{24}{36} = \frac{2}{3}$; cancelling "
                "first (3 with 9, 8 with 4) gives the same."
            ),
            hints=(
                "Multiply across, or cancel common factors first.",
                "3 goes into 9, and 4 goes into 8.",
            ),
        ),
        number(
            r"What is $\frac{2}{3}$ of 12?",
            8,
            explanation=r"One third of 12 is 4, so two thirds is 8: $\frac{2}{3} \times 12 = 8$.",
            hints=(
                "First find one third of 12.",
                r"$12 \div 3 = 4$; now take two of those.",
            ),
            difficulty=Difficulty.INTRODUCTORY,
        ),
        number(
            r"Find $\frac{5}{6} \times 3$.",
            "5/2",
            explanation=(
                r"$\frac{5 \times 3}{6} = \frac{15}{6} = \frac{5}{2}$, which is $2\frac{1}{2}$."
            ),
            hints=(
                r"Write 3 as $\frac{3}{1}$.",
                r"$\frac{15}{6}$ simplifies by 3.",
            ),
        ),
        number(
            r"Find $\frac{2}{3} \div \frac{4}{9}$.",
            "3/2",
            explanation=(
                r"Dividing by $\frac{4}{9}$ is multiplying by $\frac{9}{4}$: "
                r"$\frac{2}{3} \times \frac{9}{4} = \frac{18}{12} = \frac{3}{2}$."
            ),
            hints=(
                "Dividing by a fraction is multiplying by its reciprocal.",
                r"Compute $\frac{2}{3} \times \frac{9}{4}$.",
            ),
            difficulty=Difficulty.MEDIUM,
        ),
        number(
            r"Find $\frac{{{a}}}{{{b}}} \times \frac{{{c}}}{{{d}}}$.",
            "{a*c}/{b*d}",
            parameters={"a": [1, 4], "b": [5, 9], "c": [1, 4], "d": [5, 9]},
            explanation=(
                r"$\frac{{{a} \times {c}}}{{{b} \times {d}}} = \frac{{{a*c}}}{{{b*d}}}$, "
                "simplified if you can."
            ),
            hints=(
                "Multiply the numerators, then the denominators.",
                r"The numerator is ${a} \times {c} = {a*c}$.",
            ),
        ),
        choice(
            r"Multiplying $\frac{3}{4}$ by $\frac{1}{2}$ gives a result that is…",
            [
                (
                    r"smaller than $\frac{3}{4}$",
                    r"Yes: taking half of something makes it smaller; the result is "
                    r"$\frac{3}{8}$.",
                ),
                (
                    r"larger than $\frac{3}{4}$",
                    "Multiplying makes things larger only when the factor is more than 1.",
                ),
                (r"equal to $\frac{3}{4}$", "Only multiplying by 1 keeps a number the same."),
            ],
            correct=0,
            explanation=(
                r"Multiplying by $\frac{1}{2}$ takes half: $\frac{3}{4} \times \frac{1}{2} = "
                r"\frac{3}{8} < \frac{3}{4}$."
            ),
            hints=(r"What is half of $\frac{3}{4}$?",),
            difficulty=Difficulty.INTRODUCTORY,
        ),
    ),
)

WORD_PROBLEMS = LessonSpec(
    title="Fractions in real life",
    description="Ribbons, recipes and journeys: choose the operation, then compute.",
    tags=("word problems",),
    xp_reward=15,
    exercises=(
        number(
            r"A ribbon is $\frac{3}{4}$ m long. You cut off $\frac{1}{3}$ m. How much ribbon is "
            "left?",
            "5/12",
            unit="m",
            explanation=(
                r"$\frac{3}{4} - \frac{1}{3} = \frac{9}{12} - \frac{4}{12} = \frac{5}{12}$ m."
            ),
            hints=(
                "Cutting off is subtracting.",
                "Use twelfths as the common denominator.",
            ),
        ),
        number(
            r"A recipe needs $\frac{3}{4}$ cup of flour. How much flour do you need for 2 "
            "batches?",
            "3/2",
            unit=["cups", "cup"],
            explanation=(
                r"$2 \times \frac{3}{4} = \frac{6}{4} = \frac{3}{2}$ cups, "
                r"which is $1\frac{1}{2}$ cups."
            ),
            hints=("Two batches need twice as much.",),
            difficulty=Difficulty.INTRODUCTORY,
        ),
        number(
            r"Maya walks $\frac{2}{5}$ km to school and then $\frac{1}{2}$ km to the park. How "
            "far does she walk in total?",
            "9/10",
            unit="km",
            explanation=(
                r"$\frac{2}{5} + \frac{1}{2} = \frac{4}{10} + \frac{5}{10} = \frac{9}{10}$ km, "
                "or 0.9 km."
            ),
            hints=(
                "In total means add.",
                "Use tenths as the common denominator.",
            ),
        ),
        number(
            r"A film lasts $1\frac{3}{4}$ hours. You have watched $\frac{2}{3}$ of it. How many "
            "minutes have you watched?",
            70,
            unit="min",
            explanation=(
                r"$1\frac{3}{4}$ hours is $60 + 45 = 105$ minutes, and "
                r"$\frac{2}{3} \times 105 = 70$ minutes."
            ),
            hints=(
                "First change the length of the film into minutes.",
                r"$1\frac{3}{4}$ hours = 105 minutes. Now find two thirds of that.",
            ),
            difficulty=Difficulty.MEDIUM,
        ),
        number(
            r"A bag holds 6 kg of rice. You use $\frac{3}{8}$ of it. How many kilograms are "
            "left?",
            "15/4",
            unit="kg",
            explanation=(
                r"$\frac{5}{8}$ of the bag is left: $\frac{5}{8} \times 6 = \frac{30}{8} = "
                r"\frac{15}{4} = 3.75$ kg."
            ),
            hints=(
                "What fraction of the bag is left?",
                r"$1 - \frac{3}{8} = \frac{5}{8}$. Now find $\frac{5}{8}$ of 6.",
            ),
            difficulty=Difficulty.MEDIUM,
        ),
        number(
            "Three friends share 2 pizzas equally. How much pizza does each friend get?",
            "2/3",
            unit=["pizza", "pizzas"],
            explanation=r"Sharing 2 among 3 is $2 \div 3 = \frac{2}{3}$ of a pizza each.",
            hints=(
                "Sharing equally is dividing.",
                r"Each gets $2 \div 3$ pizzas.",
            ),
        ),
        number(
            r"A jug holds $\frac{3}{4}$ L of juice. How many glasses of $\frac{1}{8}$ L can "
            "you fill?",
            6,
            explanation=(
                r"$\frac{3}{4} \div \frac{1}{8} = \frac{3}{4} \times 8 = 6$ glasses "
                r"($\frac{3}{4} = \frac{6}{8}$)."
            ),
            hints=(
                r"How many eighths are there in $\frac{3}{4}$?",
                r"$\frac{3}{4} = \frac{6}{8}$.",
            ),
        ),
    ),
)

TRACK = TrackSpec(
    slug="fractions",
    title="Fractions",
    description=(
        "Parts of a whole: equivalent fractions, comparing, adding, multiplying and solving "
        "everyday problems."
    ),
    subject=Subject.FRACTIONS,
    grade_level=5,
    difficulty=Difficulty.EASY,
    estimated_hours=Decimal("6.0"),
    colour="#ef6c00",
    icon="🍕",
    xp_to_unlock=400,
    prerequisites=("multiplication-division-facts",),
    units=(
        UnitSpec(
            title="Equivalent fractions",
            description="The same amount, written in different ways.",
            lessons=(EQUIVALENT, SIMPLIFYING),
        ),
        UnitSpec(
            title="Comparing fractions",
            description="Common denominators, benchmarks and reasoning.",
            lessons=(COMPARING,),
        ),
        UnitSpec(
            title="Adding and subtracting fractions",
            description="Same pieces first, then different pieces.",
            lessons=(SAME_DENOMINATOR, DIFFERENT_DENOMINATORS),
        ),
        UnitSpec(
            title="Multiplying and dividing fractions",
            description="Parts of parts, and how many fit.",
            lessons=(MULTIPLYING,),
        ),
        UnitSpec(
            title="Fraction word problems",
            description="Fractions with units, from the kitchen to the cinema.",
            lessons=(WORD_PROBLEMS,),
        ),
    ),
)
