"""The read API shows learners published content only, and never an answer."""

from __future__ import annotations

import json

import pytest

from curriculum.models import Exercise, Hint, Lesson, Status, Track, Unit

pytestmark = pytest.mark.django_db

PUBLISHED, DRAFT = Status.PUBLISHED, Status.DRAFT


def make_path(
    slug: str = "derivatives",
    *,
    subject: str = "derivatives",
    grade: int = 12,
    status: str = PUBLISHED,
) -> Lesson:
    track = Track.objects.create(
        title=slug.title(), slug=slug, subject=subject, grade_level=grade, status=status
    )
    unit = Unit.objects.create(track=track, order=1, title="Rules", status=PUBLISHED)
    return Lesson.objects.create(unit=unit, order=1, title="Power rule", status=PUBLISHED)


def add_exercises(lesson: Lesson) -> dict[str, Exercise]:
    made = {
        "expression": Exercise.objects.create(
            lesson=lesson,
            order=1,
            kind="expression",
            status=PUBLISHED,
            prompt="Find $\\frac{d}{dx} x^3$.",
            answer={"answer": "3*x^2"},
            explanation="Bring the exponent down.",
        ),
        "choice": Exercise.objects.create(
            lesson=lesson,
            order=2,
            kind="multiple_choice",
            status=PUBLISHED,
            prompt="Which is the derivative of $e^x$?",
            options=[
                {"text": "$e^x$", "explanation": "SECRET-RIGHT: it is its own derivative."},
                {"text": "$xe^{x-1}$", "explanation": "SECRET-WRONG: not a power."},
            ],
            correct_option=0,
        ),
        "numeric": Exercise.objects.create(
            lesson=lesson,
            order=3,
            kind="numeric",
            status=PUBLISHED,
            prompt="Slope of $x^2$ at $x=3$?",
            answer={"value": "6"},
        ),
        "parametrised": Exercise.objects.create(
            lesson=lesson,
            order=4,
            kind="expression",
            status=PUBLISHED,
            prompt="Differentiate {a}x^{n}.",
            answer={"answer": "{a*n}x^{n-1}"},
            parameters={"a": [2, 9], "n": [2, 5]},
        ),
    }
    Hint.objects.create(exercise=made["expression"], order=1, text="SECRET-HINT power rule")
    return made


def test_learners_see_only_published_content(client_for, learner):
    lesson = make_path()
    add_exercises(lesson)
    make_path("secret-track", status=DRAFT)
    Unit.objects.create(track=lesson.unit.track, order=2, title="Draft unit", status=DRAFT)
    draft_lesson = Lesson.objects.create(unit=lesson.unit, order=2, title="Draft lesson")
    hidden = Exercise.objects.create(
        lesson=draft_lesson,
        order=1,
        kind="numeric",
        status=PUBLISHED,
        prompt="?",
        answer={"value": "1"},
    )
    client = client_for(learner)

    tracks = client.get("/api/v1/tracks/").json()
    units = client.get("/api/v1/units/").json()
    lessons = client.get("/api/v1/lessons/").json()
    exercises = client.get("/api/v1/exercises/").json()

    assert [t["slug"] for t in tracks["results"]] == ["derivatives"]
    assert tracks["results"][0]["unit_count"] == 1
    assert [u["title"] for u in units["results"]] == ["Rules"]
    assert [lesson["title"] for lesson in lessons["results"]] == ["Power rule"]
    assert exercises["count"] == 4
    assert client.get(f"/api/v1/exercises/{hidden.pk}/").status_code == 404
    secret = Track.objects.get(slug="secret-track")
    assert client.get(f"/api/v1/tracks/{secret.pk}/").status_code == 404


def test_authors_see_drafts_too(client_for, author):
    make_path("draft-track", status=DRAFT)

    tracks = client_for(author).get("/api/v1/tracks/").json()

    assert [t["slug"] for t in tracks["results"]] == ["draft-track"]


def test_no_endpoint_ever_includes_an_answer(client_for, learner):
    made = add_exercises(make_path())
    client = client_for(learner)

    bodies = [client.get("/api/v1/exercises/").content]
    bodies += [client.get(f"/api/v1/exercises/{e.pk}/").content for e in made.values()]

    for raw in bodies:
        text = raw.decode()
        for leak in ("3*x^2", "SECRET", "correct_option", '"answer"', "explanation", "{a*n}"):
            assert leak not in text, leak
    choice = json.loads(client.get(f"/api/v1/exercises/{made['choice'].pk}/").content)
    assert choice["options"] == [{"index": 0, "text": "$e^x$"}, {"index": 1, "text": "$xe^{x-1}$"}]


def test_a_parametrised_exercise_shows_each_learner_her_own_stable_variant(
    client_for, learner, parent
):
    made = add_exercises(make_path())
    url = f"/api/v1/exercises/{made['parametrised'].pk}/"

    first = client_for(learner).get(url).json()["prompt"]
    again = client_for(learner).get(url).json()["prompt"]

    assert first == again
    assert "{" not in first
    assert first.startswith("Differentiate ")


def test_content_filters_by_subject_and_grade_level(client_for, learner):
    make_path("derivatives", subject="derivatives", grade=12)
    make_path("facts", subject="arithmetic", grade=2)
    client = client_for(learner)

    by_subject = client.get("/api/v1/tracks/", {"subject": "arithmetic"}).json()
    by_grade = client.get("/api/v1/lessons/", {"grade_level": 12}).json()
    bad = client.get("/api/v1/tracks/", {"grade_level": "twelve"})

    assert [t["slug"] for t in by_subject["results"]] == ["facts"]
    assert [lesson["track"] for lesson in by_grade["results"]] == [
        Track.objects.get(slug="derivatives").pk
    ]
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["attr"] == "grade_level"


@pytest.mark.parametrize("endpoint", ["tracks", "units", "lessons", "exercises"])
def test_list_queries_do_not_grow_with_the_content(
    client_for, learner, endpoint, django_assert_max_num_queries
):
    client = client_for(learner)
    add_exercises(make_path("one"))
    with django_assert_max_num_queries(8) as few:
        client.get(f"/api/v1/{endpoint}/")
    for n in range(6):
        add_exercises(make_path(f"more-{n}"))

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/api/v1/{endpoint}/")

    assert response.json()["count"] >= 7


def test_the_math_preview_shows_how_input_is_read(client_for, learner):
    client = client_for(learner)

    good = client.post("/api/v1/math/preview", {"input": "2x^2 + sin(x)"}, format="json").json()
    bad = client.post("/api/v1/math/preview", {"input": "2*(x+"}, format="json").json()

    assert good["valid"] is True
    assert "x^{2}" in good["latex"]
    assert "\\sin" in good["latex"]
    assert good["error"] is None
    assert bad["valid"] is False
    assert bad["latex"] is None
    assert bad["error"]
    assert 0 <= bad["position"] <= 5


def test_the_math_preview_refuses_oversized_input_and_anonymous_callers(
    client_for, learner, api_client
):
    response = client_for(learner).post(
        "/api/v1/math/preview", {"input": "x+" * 5000}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "input"
    assert api_client.post("/api/v1/math/preview", {"input": "x"}, format="json").status_code == 401


def test_hostile_math_preview_input_is_an_error_not_a_crash(client_for, learner):
    client = client_for(learner)

    for hostile in ("__import__('os')", "x.__class__", "9^9^9^9", "((((((((", "lambda: 1"):
        response = client.post("/api/v1/math/preview", {"input": hostile}, format="json")
        assert response.status_code == 200
        assert response.json()["valid"] is False, hostile
