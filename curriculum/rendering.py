"""One renderer for what learners and authors see of an exercise: the admin preview, the API and
the site.

Text is Markdown with LaTeX: `render_markdown` escapes all HTML and understands paragraphs, line
breaks, `- ` lists, **bold**, *italic* and `code`; math between `$…$`, `$$…$$`, `\\(…\\)` or
`\\[…\\]` is left untouched for KaTeX to render in the browser. `spoken_text` turns the same text
into plain words for screen readers' live regions ("x squared over 2", never "$\\frac{x^2}{2}$"),
and `option_order` shuffles a multiple-choice question's options for one variant.
"""

from __future__ import annotations

import random
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Exercise

# --------------------------------------------------------------------------------------------
# Markdown (a safe subset)
# --------------------------------------------------------------------------------------------

# Pieces that inline formatting must not touch: math (kept verbatim) and code spans.
_PROTECTED = re.compile(
    r"(\$\$.+?\$\$|\\\[.+?\\\]|\\\(.+?\\\)|(?<![\\$])\$(?=\S)(?:\\\$|[^$])+?(?<=\S)\$|`[^`\n]+`)",
    re.DOTALL,
)
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.DOTALL)
_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])", re.DOTALL)
_LIST_ITEM = re.compile(r"^\s*[-*]\s+")


def _render_inline(text: str) -> str:
    out: list[str] = []
    for index, piece in enumerate(_PROTECTED.split(text)):
        if index % 2:  # a protected piece
            if piece.startswith("`"):
                out.append(f"<code>{escape(piece[1:-1])}</code>")
            else:
                out.append(escape(piece))
        else:
            html = str(escape(piece))
            html = _BOLD.sub(r"<strong>\1</strong>", html)
            html = _ITALIC.sub(r"<em>\1</em>", html)
            out.append(html.replace("\n", "<br>"))
    return "".join(out)


def render_markdown(text: str, *, inline: bool = False) -> SafeString:
    """HTML for the Markdown subset authors use; every character of input HTML is escaped."""
    text = (text or "").replace("\r\n", "\n").strip()
    if inline:
        return mark_safe(_render_inline(text))  # noqa: S308 - built from escaped pieces
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.split("\n")
        if block and all(_LIST_ITEM.match(line) for line in lines):
            items = "".join(
                f"<li>{_render_inline(_LIST_ITEM.sub('', line))}</li>" for line in lines
            )
            blocks.append(f"<ul>{items}</ul>")
        elif block:
            blocks.append(f"<p>{_render_inline(block)}</p>")
    return mark_safe("".join(blocks))  # noqa: S308 - built from escaped pieces


# How each kind of exercise is answered.
INPUT_KINDS: dict[str, str] = {
    Exercise.Kind.MULTIPLE_CHOICE: "choice",
    Exercise.Kind.NUMERIC: "number",
    Exercise.Kind.FACT: "number",
    Exercise.Kind.TEXT: "text",
    Exercise.Kind.EXPRESSION: "expression",
}


# --------------------------------------------------------------------------------------------
# Spoken text: what a live region reads (plain text, never LaTeX)
# --------------------------------------------------------------------------------------------

_MATH = re.compile(
    r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\\((.+?)\\\)|(?<![\\$])\$((?:\\\$|[^$])+?)\$", re.DOTALL
)
_LATEX_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.DOTALL)

# Commands read as a word or a symbol screen readers say well (× is "times", − is "minus").
_SPOKEN_COMMANDS = {
    "times": " × ",
    "cdot": " × ",
    "div": " ÷ ",
    "pm": " ± ",
    "mp": " ∓ ",
    "le": " ≤ ",
    "leq": " ≤ ",
    "ge": " ≥ ",
    "geq": " ≥ ",
    "neq": " ≠ ",
    "ne": " ≠ ",
    "approx": " ≈ ",
    "to": " → ",
    "rightarrow": " → ",
    "infty": "infinity",
    "circ": "°",
    "degree": "°",
    "cdots": "…",
    "ldots": "…",
    "dots": "…",
    "int": "the integral of ",
    "sum": "the sum of ",
    "lim": "the limit ",
    "partial": "∂",
    "ln": "ln ",
    "log": "log ",
    "exp": "exp ",
    "sin": "sin ",
    "cos": "cos ",
    "tan": "tan ",
    "sec": "sec ",
    "csc": "csc ",
    "cot": "cot ",
    "arcsin": "arcsin ",
    "arccos": "arccos ",
    "arctan": "arctan ",
    "sinh": "sinh ",
    "cosh": "cosh ",
    "tanh": "tanh ",
    "pi": "π",
    "theta": "θ",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "Delta": "Δ",
    "lambda": "λ",
    "mu": "μ",
    "sigma": "σ",
    "phi": "φ",
    "omega": "ω",
    "epsilon": "ε",
    "varepsilon": "ε",
    "quad": " ",
    "qquad": " ",
    "left": "",
    "right": "",
    "displaystyle": "",
    "limits": "",
    "big": "",
    "Big": "",
    ",": " ",
    ";": " ",
    ":": " ",
    "!": "",
    " ": " ",
    "\\": " ",
    "{": "{",
    "}": "}",
    "$": "$",
    "%": "%",
    "&": "and",
    "_": "_",
    "#": "#",
}
_FRACTIONS = {"frac", "dfrac", "tfrac"}
_TEXT_COMMANDS = {"text", "mathrm", "mathit", "mathbf", "operatorname", "textrm", "mbox"}
_POWERS = {"2": " squared", "3": " cubed"}


class _Speaker:
    """A one-pass reading of LaTeX into words: fractions, roots, powers, subscripts."""

    def __init__(self, latex: str) -> None:
        self.pieces: list[str] = list(_LATEX_TOKEN.findall(latex))
        self.i = 0

    def _next(self) -> str | None:
        if self.i >= len(self.pieces):
            return None
        piece = self.pieces[self.i]
        self.i += 1
        return piece

    def _argument(self) -> str:
        """The next group `{…}` or single piece, read."""
        while self.i < len(self.pieces) and self.pieces[self.i].isspace():
            self.i += 1
        piece = self._next()
        if piece is None:
            return ""
        if piece == "{":
            return self.sequence(until="}")
        return self.atom(piece)

    def _optional(self) -> str:
        """An optional `[…]` argument (the index of a root), read, or ""."""
        if self.i < len(self.pieces) and self.pieces[self.i] == "[":
            self.i += 1
            return self.sequence(until="]")
        return ""

    def atom(self, piece: str) -> str:
        if piece == "{":
            return self.sequence(until="}")
        if piece in ("}", "]") or piece == "$":
            return ""
        if piece == "^":
            exponent = self._argument().strip()
            return _POWERS.get(exponent, f" to the power of {exponent}")
        if piece == "_":
            return f" sub {self._argument().strip()}"
        if piece == "-":
            return " − "
        if piece in ("+", "=", "<", ">"):
            return f" {piece} "
        if piece == "*":
            return " × "
        if piece == "~" or piece.isspace():
            return " "
        if not piece.startswith("\\"):
            return piece
        name = piece[1:]
        if name in _FRACTIONS:
            top, bottom = self._argument().strip(), self._argument().strip()
            return f" {top} over {bottom} "
        if name == "sqrt":
            index = self._optional().strip()
            radicand = self._argument().strip()
            if index:
                return f" the root {index} of {radicand} "
            return f" the square root of {radicand} "
        if name in _TEXT_COMMANDS:
            return self._argument()
        return _SPOKEN_COMMANDS.get(name, name)

    def sequence(self, until: str | None = None) -> str:
        words: list[str] = []
        while (piece := self._next()) is not None:
            if until is not None and piece == until:
                break
            words.append(self.atom(piece))
        return "".join(words)


def spoken_math(latex: str) -> str:
    """LaTeX as words and plain symbols: `\\frac{x^2}{2}` → "x squared over 2"."""
    text = _Speaker(latex).sequence()
    # Whatever LaTeX is left (an unknown command's braces) must not be read out.
    text = text.replace("\\", " ").replace("{", "").replace("}", "").replace("$", "")
    return " ".join(text.split())


def spoken_text(text: str) -> str:
    """Plain text for a live region from Markdown with LaTeX: math spoken, markers dropped."""

    def speak(match: re.Match[str]) -> str:
        latex: str = next(group for group in match.groups() if group is not None)
        return spoken_math(latex)

    plain = _MATH.sub(speak, text or "")
    plain = re.sub(
        r"\*\*(.+?)\*\*|\*(.+?)\*|`([^`]*)`",
        lambda m: next(g for g in m.groups() if g is not None),
        plain,
    )
    plain = plain.replace("\\$", "dollars ").replace("$", "")
    return " ".join(plain.replace("\\", " ").split())


# --------------------------------------------------------------------------------------------
# Multiple choice
# --------------------------------------------------------------------------------------------


def option_order(count: int, seed: str) -> list[int]:
    """The options' original indexes in the order one variant shows them.

    Seeded by the variant (a session item's seed), so a reload or a question asked again shows
    the same order, and each learner sees her own. What is posted back is the original index.
    """
    order = list(range(count))
    random.Random(f"options:{seed}").shuffle(order)  # noqa: S311 - presentation, not a secret
    return order
