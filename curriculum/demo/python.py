r"""Computing with Python: whole numbers, lists and numerical calculus, as code exercises.

Every problem has a reference solution that passes its tests and a plausible wrong solution that
fails at least one hidden test (both run in the real sandbox by
tests/curriculum/test_demo_code_track.py). Polynomials are lists of coefficients, constant term
first: `[5, 3, 2]` is $5 + 3x + 2x^2$.
"""

from __future__ import annotations

from decimal import Decimal

from curriculum.models import Difficulty, Subject

from .specs import LessonSpec, TrackSpec, UnitSpec, hidden, program, sample

# --- Unit 1: whole numbers -----------------------------------------------------------------------

GCD = program(
    r"Write `gcd(a, b)`: the greatest common divisor of two whole numbers $a, b \ge 0$, not "
    r"both $0$, by the **Euclidean algorithm**: $\gcd(a, 0) = a$ and "
    r"$\gcd(a, b) = \gcd(b, a \bmod b)$. A baker cutting two ribbons of 1071 cm and 462 cm "
    r"into equal pieces, as long as possible, needs $\gcd(1071, 462)$.",
    entry="gcd",
    starter="def gcd(a, b):\n    ...\n",
    solution="def gcd(a, b):\n    while b:\n        a, b = b, a % b\n    return a\n",
    wrong_solution=(
        "def gcd(a, b):\n"
        "    for d in range(min(a, b), 0, -1):\n"
        "        if a % d == 0 and b % d == 0:\n"
        "            return d\n"
    ),
    tests=(
        sample("gcd(1071, 462)", 1071, 462, expected=21),
        sample("gcd(12, 18)", 12, 18, expected=6),
        hidden("a zero", 0, 7, expected=7),
        hidden("coprime", 17, 5, expected=1),
        hidden("one divides the other", 48, 144, expected=48),
    ),
    explanation=(
        r"Each step replaces $(a, b)$ by $(b, a \bmod b)$, which has the same common divisors; "
        r"when $b = 0$, $a$ is the answer. Counting down from $\min(a, b)$ forgets that "
        r"$\gcd(0, 7) = 7$."
    ),
    hints=(
        "Loop while `b` is not 0.",
        "`a, b = b, a % b` swaps and reduces in one line.",
    ),
    difficulty=Difficulty.EASY,
)

LCM = program(
    r"Write `lcm(a, b)`: the least common multiple of two whole numbers $a, b \ge 1$. Two buses "
    r"leave together, one every 4 minutes and one every 6: they meet again after "
    r"$\operatorname{lcm}(4, 6) = 12$ minutes. Use $\operatorname{lcm}(a, b) = a b / \gcd(a, b)$.",
    entry="lcm",
    starter="def lcm(a, b):\n    ...\n",
    solution=(
        "def lcm(a, b):\n"
        "    x, y = a, b\n"
        "    while y:\n"
        "        x, y = y, x % y\n"
        "    return a * b // x\n"
    ),
    wrong_solution="def lcm(a, b):\n    return a * b\n",
    tests=(
        sample("lcm(3, 5)", 3, 5, expected=15),
        hidden("buses", 4, 6, expected=12),
        hidden("lcm(21, 6)", 21, 6, expected=42),
        hidden("equal numbers", 7, 7, expected=7),
    ),
    explanation=(
        r"$a b$ is a common multiple, but it counts the common factor twice: divide by "
        r"$\gcd(a, b)$. Use `//` so the result stays a whole number."
    ),
    hints=(
        "Compute the gcd first (the Euclidean algorithm).",
        r"$\operatorname{lcm}(4, 6) = 4 \cdot 6 / 2$.",
    ),
    difficulty=Difficulty.EASY,
)

IS_PRIME = program(
    r"Write `is_prime(n)`: `True` when the whole number $n \ge 0$ is prime, else `False`. "
    r"Trying divisors up to $\sqrt{n}$ is enough.",
    entry="is_prime",
    starter="def is_prime(n):\n    ...\n",
    solution=(
        "def is_prime(n):\n"
        "    if n < 2:\n"
        "        return False\n"
        "    d = 2\n"
        "    while d * d <= n:\n"
        "        if n % d == 0:\n"
        "            return False\n"
        "        d += 1\n"
        "    return True\n"
    ),
    wrong_solution=(
        "def is_prime(n):\n"
        "    for d in range(2, int(n ** 0.5) + 1):\n"
        "        if n % d == 0:\n"
        "            return False\n"
        "    return True\n"
    ),
    tests=(
        sample("7", 7, expected=True),
        sample("9", 9, expected=False),
        hidden("1 is not prime", 1, expected=False),
        hidden("0 is not prime", 0, expected=False),
        hidden("97", 97, expected=True),
        hidden("91 = 7 · 13", 91, expected=False),
    ),
    explanation=(
        r"A composite $n$ has a divisor $d$ with $d^2 \le n$. And 0 and 1 are not prime: the "
        r"loop finds no divisor for them, so they need their own test."
    ),
    hints=("What should `is_prime(1)` answer?", r"Stop when $d \cdot d > n$."),
    difficulty=Difficulty.EASY,
)

FIBONACCI = program(
    r"Write `fibonacci(n)`: the $n$-th Fibonacci number, with $F_0 = 0$, $F_1 = 1$ and "
    r"$F_n = F_{n-1} + F_{n-2}$. It must be quick for $n = 90$.",
    entry="fibonacci",
    starter="def fibonacci(n):\n    ...\n",
    solution=(
        "def fibonacci(n):\n"
        "    a, b = 0, 1\n"
        "    for _ in range(n):\n"
        "        a, b = b, a + b\n"
        "    return a\n"
    ),
    wrong_solution=(
        "def fibonacci(n):\n"
        "    a, b = 1, 1\n"
        "    for _ in range(n - 1):\n"
        "        a, b = b, a + b\n"
        "    return a\n"
    ),
    tests=(
        sample("F(1)", 1, expected=1),
        sample("F(10)", 10, expected=55),
        hidden("F(0)", 0, expected=0),
        hidden("F(2)", 2, expected=1),
        hidden("F(90)", 90, expected=2880067194370816120),
    ),
    explanation=(
        r"Keep the last two numbers and step $n$ times: $(a, b) \to (b, a + b)$. Starting from "
        r"$(1, 1)$ gets every $F_n$ right except $F_0 = 0$; the recursive definition written "
        r"as a recursive function takes billions of calls for $F_{90}$."
    ),
    hints=("Start from $F_0 = 0$ and $F_1 = 1$.", "A loop, not recursion."),
    difficulty=Difficulty.EASY,
)

COLLATZ = program(
    r"The Collatz step takes $n$ to $n / 2$ when $n$ is even and to $3n + 1$ when it is odd. "
    r"Write `collatz_steps(n)`: how many steps take $n \ge 1$ to $1$ (for 6: 6, 3, 10, 5, 16, "
    r"8, 4, 2, 1 is 8 steps).",
    entry="collatz_steps",
    starter="def collatz_steps(n):\n    ...\n",
    solution=(
        "def collatz_steps(n):\n"
        "    steps = 0\n"
        "    while n != 1:\n"
        "        n = n // 2 if n % 2 == 0 else 3 * n + 1\n"
        "        steps += 1\n"
        "    return steps\n"
    ),
    wrong_solution=(
        "def collatz_steps(n):\n"
        "    steps = 0\n"
        "    while True:\n"
        "        n = n // 2 if n % 2 == 0 else 3 * n + 1\n"
        "        steps += 1\n"
        "        if n == 1:\n"
        "            return steps\n"
    ),
    tests=(
        sample("6", 6, expected=8),
        sample("27", 27, expected=111),
        hidden("1 is already there", 1, expected=0),
        hidden("a power of two", 1024, expected=10),
        hidden("97", 97, expected=118),
    ),
    explanation=(
        "Test before stepping: 1 takes no step at all. Use `//`, so the numbers stay whole."
    ),
    hints=("How many steps does 1 need?", "Check `n != 1` before each step."),
    difficulty=Difficulty.EASY,
)

DIGIT_SUM = program(
    r"A **script** this time: read a whole number (perhaps negative) from the input with "
    r"`input()`, and print the sum of its digits. For `-507` print `12`.",
    entry=None,
    starter="n = int(input())\n",
    solution="n = int(input())\nprint(sum(int(digit) for digit in str(abs(n))))\n",
    wrong_solution=(
        "n = int(input())\n"
        "total = 0\n"
        "while n > 0:\n"
        "    total += n % 10\n"
        "    n //= 10\n"
        "print(total)\n"
    ),
    tests=(
        sample("1234", stdin="1234\n", expected="10"),
        sample("7", stdin="7\n", expected="7"),
        hidden("a negative number", stdin="-507\n", expected="12"),
        hidden("0", stdin="0\n", expected="0"),
        hidden("twenty nines", stdin="99999999999999999999\n", expected="180"),
    ),
    explanation=(
        "The sign is not a digit: take `abs(n)` first. `str(abs(n))` lists the digits; so does "
        "`n % 10` with `n //= 10`, for $n \\ge 0$."
    ),
    hints=("What does your loop do with a negative number?", "`abs(-507)` is 507."),
    difficulty=Difficulty.EASY,
)

# --- Unit 2: lists of numbers --------------------------------------------------------------------

MEAN_MEDIAN = program(
    r"Write `mean_and_median(values)`: for a non-empty list of numbers, the list "
    r"`[mean, median]`. The median of an even number of values is the mean of the middle two "
    r"— in sorted order. Daily sales of 5, 1, 4, 2 have mean 3 and median 3.",
    entry="mean_and_median",
    starter="def mean_and_median(values):\n    ...\n",
    solution=(
        "def mean_and_median(values):\n"
        "    ordered = sorted(values)\n"
        "    n = len(ordered)\n"
        "    middle = n // 2\n"
        "    if n % 2:\n"
        "        median = ordered[middle]\n"
        "    else:\n"
        "        median = (ordered[middle - 1] + ordered[middle]) / 2\n"
        "    return [sum(values) / n, median]\n"
    ),
    wrong_solution=(
        "def mean_and_median(values):\n"
        "    n = len(values)\n"
        "    middle = n // 2\n"
        "    if n % 2:\n"
        "        median = values[middle]\n"
        "    else:\n"
        "        median = (values[middle - 1] + values[middle]) / 2\n"
        "    return [sum(values) / n, median]\n"
    ),
    tests=(
        sample("1, 2, 3, 4", [1, 2, 3, 4], expected=[2.5, 2.5], tolerance=1e-9),
        sample("one value", [7], expected=[7, 7], tolerance=1e-9),
        hidden("unsorted sales", [5, 1, 4, 2], expected=[3, 3], tolerance=1e-9),
        hidden("odd and unsorted", [9, 2, 5], expected=[16 / 3, 5], tolerance=1e-9),
        hidden("negative values", [-3, -1, -2, 10], expected=[1, -1.5], tolerance=1e-9),
    ),
    explanation=(
        "The median is the middle of the *sorted* values: `sorted(values)` first. The mean does "
        "not care about order."
    ),
    hints=("Is the list sorted?", "`sorted(values)` returns a sorted copy."),
    difficulty=Difficulty.EASY,
)

MATVEC = program(
    r"Write `matvec(matrix, vector)`: the product $A v$ of a matrix (a list of rows, $m$ rows "
    r"of $n$ numbers) and a vector of $n$ numbers: the list of the $m$ dot products "
    r"$\sum_j A_{ij} v_j$. A shop's price matrix times quantities gives each customer's bill.",
    entry="matvec",
    starter="def matvec(matrix, vector):\n    ...\n",
    solution=(
        "def matvec(matrix, vector):\n"
        "    return [sum(a * v for a, v in zip(row, vector)) for row in matrix]\n"
    ),
    wrong_solution=(
        "def matvec(matrix, vector):\n"
        "    n = len(vector)\n"
        "    return [sum(matrix[i][j] * vector[j] for j in range(n)) for i in range(n)]\n"
    ),
    tests=(
        sample("2 × 2", [[1, 2], [3, 4]], [1, 1], expected=[3, 7]),
        sample("identity", [[1, 0], [0, 1]], [5, -2], expected=[5, -2]),
        hidden("3 rows, 2 columns", [[2, 0], [0, 2], [1, 1]], [3, 4], expected=[6, 8, 7]),
        hidden("one row", [[1, 0, 2]], [1, 2, 3], expected=[7]),
        hidden("decimals", [[0.5, 0.25]], [2, 4], expected=[2.0], tolerance=1e-9),
    ),
    explanation=(
        "One dot product per *row* of the matrix: there are as many results as rows, which "
        "need not be as many as the vector's entries."
    ),
    hints=("How many numbers does the result have?", "`zip(row, vector)` pairs the entries."),
)

POLY_EVAL = program(
    r"A polynomial is a list of coefficients, constant first: `[1, 2, 3]` is "
    r"$1 + 2x + 3x^2$. Write `evaluate(coefficients, x)`, its value at $x$ (the empty list is "
    r"the zero polynomial). Horner's rule needs no powers: "
    r"$1 + x(2 + x \cdot 3)$.",
    entry="evaluate",
    starter="def evaluate(coefficients, x):\n    ...\n",
    solution=(
        "def evaluate(coefficients, x):\n"
        "    result = 0\n"
        "    for c in reversed(coefficients):\n"
        "        result = result * x + c\n"
        "    return result\n"
    ),
    wrong_solution=(
        "def evaluate(coefficients, x):\n"
        "    result = 0\n"
        "    for c in coefficients:\n"
        "        result = result * x + c\n"
        "    return result\n"
    ),
    tests=(
        sample("1 + x² at 3", [1, 0, 1], 3, expected=10),
        sample("a constant", [4], 10, expected=4),
        hidden("1 + 2x + 3x² at 2", [1, 2, 3], 2, expected=17),
        hidden("x³ at −2", [0, 0, 0, 1], -2, expected=-8),
        hidden("the zero polynomial", [], 5, expected=0),
    ),
    explanation=(
        "Horner's rule starts from the *highest* coefficient, the last in the list: loop over "
        "`reversed(coefficients)`. A symmetric list such as `[1, 0, 1]` hides the mistake."
    ),
    hints=("Which coefficient belongs to the highest power?", "Try `[1, 2, 3]` at 2 by hand."),
)

DERIVATIVE = program(
    r"Differentiate a polynomial given as coefficients, constant first: write "
    r"`derivative(coefficients)`. For $5 + 3x + 2x^2$, `[5, 3, 2]`, the answer is `[3, 4]` "
    r"($3 + 4x$). The derivative of a constant is the empty list `[]`.",
    entry="derivative",
    starter="def derivative(coefficients):\n    ...\n",
    solution=(
        "def derivative(coefficients):\n"
        "    return [k * c for k, c in enumerate(coefficients)][1:]\n"
    ),
    wrong_solution=(
        "def derivative(coefficients):\n"
        "    return [k * c for k, c in enumerate(coefficients)][1:] or [0]\n"
    ),
    tests=(
        sample("5 + 3x + 2x²", [5, 3, 2], expected=[3, 4]),
        sample("x³", [0, 0, 0, 1], expected=[0, 0, 3]),
        hidden("a constant", [7], expected=[]),
        hidden("4x³", [0, 0, 0, 4], expected=[0, 0, 12]),
        hidden("decimals", [1, -1, 0.5], expected=[-1, 1.0], tolerance=1e-12),
    ),
    explanation=(
        r"The power rule: $c_k x^k$ becomes $k c_k x^{k-1}$, so the coefficient at position "
        r"$k$ moves to $k - 1$, multiplied by $k$. The constant term disappears — for a "
        r"constant, nothing is left: `[]`, as the prompt asks."
    ),
    hints=(
        r"What does $c_k x^k$ become?",
        "`enumerate(coefficients)` gives each power with its coefficient.",
    ),
)

COMPOUND = program(
    r"A bank pays an annual rate $r$ compounded $m$ times a year: after $t$ years a deposit "
    r"$P$ is worth $P\left(1 + \frac{r}{m}\right)^{m t}$. Write "
    r"`compound(principal, rate, years, times_per_year)`; 1000 at 5 % for 10 years, yearly, "
    r"gives about 1628.89.",
    entry="compound",
    starter="def compound(principal, rate, years, times_per_year):\n    ...\n",
    solution=(
        "def compound(principal, rate, years, times_per_year):\n"
        "    m = times_per_year\n"
        "    return principal * (1 + rate / m) ** (m * years)\n"
    ),
    wrong_solution=(
        "def compound(principal, rate, years, times_per_year):\n"
        "    return principal * (1 + rate) ** years\n"
    ),
    tests=(
        sample("yearly", 1000, 0.05, 10, 1, expected=1628.894626777442, tolerance=1e-9),
        hidden("monthly", 1000, 0.05, 10, 12, expected=1647.00949769028, tolerance=1e-9),
        hidden("daily", 100, 0.12, 1, 365, expected=112.74746156384, tolerance=1e-9),
        hidden("no interest", 2500, 0.0, 3, 4, expected=2500, tolerance=1e-9),
    ),
    explanation=(
        r"Each period pays $r/m$, and there are $m t$ periods. Ignoring $m$ is right only for "
        r"yearly compounding."
    ),
    hints=("How many periods are there in $t$ years?", r"Each period's rate is $r / m$."),
    difficulty=Difficulty.EASY,
)

# --- Unit 3: numerical calculus ------------------------------------------------------------------

NEWTON = program(
    r"Newton's method for $x^2 = a$ improves a guess $x$ to $\frac{1}{2}\left(x + "
    r"\frac{a}{x}\right)$. Write `newton_sqrt(a)` for $a \ge 0$: iterate until the guess stops "
    r"changing (to about $10^{-12}$ relative), and return $\sqrt{a}$. Do not use `math.sqrt`.",
    entry="newton_sqrt",
    starter="def newton_sqrt(a):\n    ...\n",
    solution=(
        "def newton_sqrt(a):\n"
        "    if a == 0:\n"
        "        return 0.0\n"
        "    x = max(a, 1.0)\n"
        "    while True:\n"
        "        better = (x + a / x) / 2\n"
        "        if abs(better - x) <= 1e-12 * better:\n"
        "            return better\n"
        "        x = better\n"
    ),
    wrong_solution=(
        "def newton_sqrt(a):\n"
        "    x = a\n"
        "    for _ in range(5):\n"
        "        x = (x + a / x) / 2\n"
        "    return x\n"
    ),
    tests=(
        sample("√2", 2, expected=1.4142135623730951, tolerance=1e-9),
        sample("√9", 9, expected=3, tolerance=1e-9),
        hidden("√1000000", 1000000, expected=1000, tolerance=1e-9),
        hidden("√0", 0, expected=0, tolerance=1e-9),
        hidden("√0.25", 0.25, expected=0.5, tolerance=1e-9),
    ),
    explanation=(
        r"Newton's step doubles the correct digits once it is close, but from far away it only "
        r"halves the error: a fixed five steps are not enough for $\sqrt{10^6}$. Stop when the "
        r"guess stops changing, and treat $a = 0$ apart (no division by zero)."
    ),
    hints=(
        "Loop until two guesses agree, not a fixed number of times.",
        "What happens at `a = 0`?",
    ),
    difficulty=Difficulty.MEDIUM,
)

BISECTION = program(
    r"Write `bisect_root(coefficients, low, high)`: a root of the polynomial (coefficients, "
    r"constant first) in $[low, high]$, where it changes sign, by **bisection**: halve the "
    r"interval, keep the half whose ends still have opposite signs, until it is shorter than "
    r"$10^{-10}$. The polynomial may rise or fall.",
    entry="bisect_root",
    starter="def bisect_root(coefficients, low, high):\n    ...\n",
    solution=(
        "def bisect_root(coefficients, low, high):\n"
        "    def f(x):\n"
        "        return sum(c * x ** k for k, c in enumerate(coefficients))\n"
        "\n"
        "    f_low = f(low)\n"
        "    while high - low > 1e-10:\n"
        "        mid = (low + high) / 2\n"
        "        f_mid = f(mid)\n"
        "        if f_mid == 0:\n"
        "            return mid\n"
        "        if (f_mid < 0) == (f_low < 0):\n"
        "            low, f_low = mid, f_mid\n"
        "        else:\n"
        "            high = mid\n"
        "    return (low + high) / 2\n"
    ),
    wrong_solution=(
        "def bisect_root(coefficients, low, high):\n"
        "    def f(x):\n"
        "        return sum(c * x ** k for k, c in enumerate(coefficients))\n"
        "\n"
        "    while high - low > 1e-10:\n"
        "        mid = (low + high) / 2\n"
        "        if f(mid) < 0:\n"
        "            low = mid\n"
        "        else:\n"
        "            high = mid\n"
        "    return (low + high) / 2\n"
    ),
    tests=(
        sample("x² − 2 on [0, 2]", [-2, 0, 1], 0, 2, expected=1.4142135623730951, tolerance=1e-8),
        hidden("(x−1)(x−2)(x−3) on [2.5, 4]", [-6, 11, -6, 1], 2.5, 4, expected=3, tolerance=1e-8),
        hidden("a falling line, 3 − x", [3, -1], 0, 10, expected=3, tolerance=1e-8),
        hidden("x + 1 on [−5, 5]", [1, 1], -5, 5, expected=-1, tolerance=1e-8),
    ),
    explanation=(
        "Compare the sign at the midpoint with the sign at `low`: the same sign means the root "
        "is in the right half. Assuming the polynomial rises sends a falling one the wrong way."
    ),
    hints=(
        "Which half keeps a change of sign?",
        "Compare `f(mid)` with `f(low)`, not with 0 alone.",
    ),
    difficulty=Difficulty.MEDIUM,
)

CENTRAL_DIFFERENCE = program(
    r"Estimate a derivative numerically: write `derivative_at(name, x)`, where `name` is "
    r"the name of a function of Python's `math` module (`'sin'`, `'exp'`, `'log'`, …; "
    r"`getattr(math, name)` gives it). Use the central difference "
    r"$\frac{f(x + h) - f(x - h)}{2h}$ with $h = 10^{-5}$; the answer must be within "
    r"$10^{-6}$.",
    entry="derivative_at",
    starter="import math\n\n\ndef derivative_at(name, x):\n    f = getattr(math, name)\n    ...\n",
    solution=(
        "import math\n\n\n"
        "def derivative_at(name, x):\n"
        "    f = getattr(math, name)\n"
        "    h = 1e-5\n"
        "    return (f(x + h) - f(x - h)) / (2 * h)\n"
    ),
    wrong_solution=(
        "import math\n\n\n"
        "def derivative_at(name, x):\n"
        "    f = getattr(math, name)\n"
        "    h = 1e-5\n"
        "    return (f(x + h) - f(x)) / h\n"
    ),
    tests=(
        sample("sin at 0", "sin", 0, expected=1, tolerance=1e-6),
        hidden("log at 2", "log", 2, expected=0.5, tolerance=1e-6),
        hidden("cos at 1", "cos", 1, check="abs(result + math.sin(1)) < 1e-6"),
        hidden("exp at 1", "exp", 1, expected=2.718281828459045, tolerance=1e-6),
    ),
    explanation=(
        r"The forward difference $\frac{f(x+h) - f(x)}{h}$ is off by about "
        r"$\frac{h}{2} f''(x)$; the central difference's error is about $\frac{h^2}{6} "
        r"f'''(x)$, far smaller for the same $h$."
    ),
    hints=(
        "Step to both sides of $x$.",
        "Divide by $2h$, the width between the two points.",
    ),
    difficulty=Difficulty.MEDIUM,
)

RIEMANN = program(
    r"Write `left_riemann(coefficients, a, b, n)`: the **left** Riemann sum of the polynomial "
    r"(coefficients, constant first) over $[a, b]$ with $n$ equal rectangles, "
    r"$\sum_{i=0}^{n-1} f(a + i\,\Delta x)\,\Delta x$ with $\Delta x = \frac{b - a}{n}$.",
    entry="left_riemann",
    starter="def left_riemann(coefficients, a, b, n):\n    ...\n",
    solution=(
        "def left_riemann(coefficients, a, b, n):\n"
        "    def f(x):\n"
        "        return sum(c * x ** k for k, c in enumerate(coefficients))\n"
        "\n"
        "    dx = (b - a) / n\n"
        "    return sum(f(a + i * dx) for i in range(n)) * dx\n"
    ),
    wrong_solution=(
        "def left_riemann(coefficients, a, b, n):\n"
        "    def f(x):\n"
        "        return sum(c * x ** k for k, c in enumerate(coefficients))\n"
        "\n"
        "    dx = (b - a) / n\n"
        "    return sum(f(a + i * dx) for i in range(1, n + 1)) * dx\n"
    ),
    tests=(
        sample("x² on [0, 1], n = 4", [0, 0, 1], 0, 1, 4, expected=0.21875, tolerance=1e-9),
        hidden("a constant", [1], 2, 5, 3, expected=3, tolerance=1e-9),
        hidden("x on [0, 2], n = 1000", [0, 1], 0, 2, 1000, expected=1.998, tolerance=1e-9),
        hidden("x³ on [−1, 1], n = 2", [0, 0, 0, 1], -1, 1, 2, expected=-1, tolerance=1e-9),
    ),
    explanation=(
        r"The left sum samples each rectangle at its left end: $a, a + \Delta x, \dots, "
        r"b - \Delta x$ — never $b$ itself. Starting at $i = 1$ gives the right sum."
    ),
    hints=(r"Which $x$ values are sampled?", "`range(n)` gives 0 to n − 1."),
    difficulty=Difficulty.MEDIUM,
)

TRAPEZOID = program(
    r"Write `trapezoid(coefficients, a, b, n)`: the trapezoid rule for the polynomial over "
    r"$[a, b]$ with $n$ equal steps: "
    r"$\frac{\Delta x}{2}\left(f(x_0) + 2 f(x_1) + \dots + 2 f(x_{n-1}) + f(x_n)\right)$.",
    entry="trapezoid",
    starter="def trapezoid(coefficients, a, b, n):\n    ...\n",
    solution=(
        "def trapezoid(coefficients, a, b, n):\n"
        "    def f(x):\n"
        "        return sum(c * x ** k for k, c in enumerate(coefficients))\n"
        "\n"
        "    dx = (b - a) / n\n"
        "    inner = sum(f(a + i * dx) for i in range(1, n))\n"
        "    return dx * ((f(a) + f(b)) / 2 + inner)\n"
    ),
    wrong_solution=(
        "def trapezoid(coefficients, a, b, n):\n"
        "    def f(x):\n"
        "        return sum(c * x ** k for k, c in enumerate(coefficients))\n"
        "\n"
        "    dx = (b - a) / n\n"
        "    return dx * sum(f(a + i * dx) for i in range(n + 1))\n"
    ),
    tests=(
        sample("x² on [0, 1], n = 4", [0, 0, 1], 0, 1, 4, expected=0.34375, tolerance=1e-9),
        hidden("a line is exact", [1, 2], 0, 3, 1, expected=12, tolerance=1e-9),
        hidden("x³ on [0, 2], n = 2", [0, 0, 0, 1], 0, 2, 2, expected=5, tolerance=1e-9),
        hidden("a constant", [5], -1, 1, 7, expected=10, tolerance=1e-9),
    ),
    explanation=(
        "Each trapezoid averages its two ends, so the inner points count twice and the two end "
        "points once: halve the ends."
    ),
    hints=("How often is each end point counted?", r"Average $f(a)$ and $f(b)$."),
    difficulty=Difficulty.MEDIUM,
)

# --- The track -----------------------------------------------------------------------------------

TRACK = TrackSpec(
    slug="computing-with-python",
    title="Computing with Python",
    description=(
        "Where computation meets understanding: write the Euclidean algorithm, Newton's method, "
        "Riemann sums and a polynomial's derivative in Python, and test them."
    ),
    subject=Subject.OTHER,
    grade_level=12,
    difficulty=Difficulty.MEDIUM,
    estimated_hours=Decimal("5.0"),
    colour="#3572a5",
    icon="🐍",
    xp_to_unlock=1600,
    prerequisites=("antiderivatives",),
    units=(
        UnitSpec(
            title="Whole numbers",
            description="Loops over whole numbers: divisors, primes and sequences.",
            lessons=(
                LessonSpec(
                    title="Divisors and primes",
                    description="The Euclidean algorithm, least common multiples, primes.",
                    tags=("python", "number theory"),
                    exercises=(GCD, LCM, IS_PRIME),
                ),
                LessonSpec(
                    title="Sequences and digits",
                    description="Fibonacci, Collatz, and a first script reading its input.",
                    tags=("python", "sequences"),
                    exercises=(FIBONACCI, COLLATZ, DIGIT_SUM),
                ),
            ),
        ),
        UnitSpec(
            title="Lists of numbers",
            description="Statistics, matrices and polynomials stored as lists.",
            lessons=(
                LessonSpec(
                    title="Data and matrices",
                    description="Mean and median; a matrix times a vector.",
                    tags=("python", "lists"),
                    exercises=(MEAN_MEDIAN, MATVEC),
                ),
                LessonSpec(
                    title="Polynomials as lists",
                    description="Evaluate and differentiate a list of coefficients.",
                    tags=("python", "polynomials"),
                    exercises=(POLY_EVAL, DERIVATIVE),
                ),
                LessonSpec(
                    title="Growing money",
                    description="Compound interest, period by period.",
                    tags=("python", "finance"),
                    exercises=(COMPOUND,),
                ),
            ),
        ),
        UnitSpec(
            title="Numerical calculus",
            description="Roots, derivatives and integrals computed to a tolerance.",
            lessons=(
                LessonSpec(
                    title="Finding roots",
                    description="Newton's method and bisection.",
                    tags=("python", "roots"),
                    exercises=(NEWTON, BISECTION),
                ),
                LessonSpec(
                    title="Derivatives and areas",
                    description="Central differences, Riemann sums and the trapezoid rule.",
                    tags=("python", "numerical integration"),
                    exercises=(CENTRAL_DIFFERENCE, RIEMANN, TRAPEZOID),
                ),
            ),
        ),
    ),
)
