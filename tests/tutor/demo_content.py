"""The demo exercises the tutor explains, read from the demo content itself (no database)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from curriculum.demo import TRACKS
from curriculum.grading import variant_for

CALCULUS_AND_FRACTIONS = ("fractions", "limits", "derivatives", "antiderivatives")
FACTS = ("addition-subtraction-facts", "multiplication-division-facts")
WORKED_KINDS = ("numeric", "expression")
SEEDS = ("first variant", "second variant")


@dataclass(frozen=True)
class DemoExercise:
    track: str
    kind: str
    prompt: str
    spec: dict[str, Any]
    values: dict[str, int] | None

    @property
    def id(self) -> str:
        suffix = f" {self.values}" if self.values else ""
        return f"{self.track}: {self.prompt[:60]}{suffix}"


def _spec(exercise: Any) -> dict[str, Any]:
    if exercise.kind == "fact":
        operand1, operation, operand2 = exercise.fact
        return {"operand1": operand1, "operation": operation, "operand2": operand2}
    return dict(exercise.answer)


def demo_exercises(slugs: tuple[str, ...], kinds: tuple[str, ...]) -> list[DemoExercise]:
    """Every exercise of these tracks and kinds; parametrised ones in two variants."""
    found: list[DemoExercise] = []
    for track in TRACKS:
        if track.slug not in slugs:
            continue
        for unit in track.units:
            for lesson in unit.lessons:
                for exercise in lesson.exercises:
                    if exercise.kind not in kinds:
                        continue
                    variants: list[dict[str, int] | None] = (
                        [variant_for(exercise.parameters, seed) for seed in SEEDS]
                        if exercise.parameters
                        else [None]
                    )
                    found.extend(
                        DemoExercise(
                            track.slug, exercise.kind, exercise.prompt, _spec(exercise), values
                        )
                        for values in variants
                    )
    return found
