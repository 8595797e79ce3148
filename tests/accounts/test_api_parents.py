"""A learner invites her parent; the parent follows her and nobody else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ParentInvite, ParentLink
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def invite(client_for, learner) -> str:
    response = client_for(learner).post("/api/v1/parent-invites")
    assert response.status_code == 201, response.json()
    return response.json()["code"]


def test_a_parent_who_redeems_the_code_can_read_the_learner(client_for, learner, parent):
    code = invite(client_for, learner)
    as_parent = client_for(parent)

    redeemed = as_parent.post("/api/v1/parent-invites/redeem", {"code": code}, format="json")

    assert redeemed.status_code == 201
    assert redeemed.json()["learner"]["username"] == "ada"
    listing = as_parent.get("/api/v1/learners").json()
    assert [item["username"] for item in listing["results"]] == ["ada"]
    detail = as_parent.get(f"/api/v1/learners/{learner.pk}")
    assert detail.status_code == 200
    assert detail.json()["daily_goal_minutes"] == 15


def test_an_unlinked_parent_reading_the_learner_gets_404(client_for, learner, parent, other_parent):
    code = invite(client_for, learner)
    client_for(parent).post("/api/v1/parent-invites/redeem", {"code": code}, format="json")

    response = client_for(other_parent).get(f"/api/v1/learners/{learner.pk}")

    assert response.status_code == 404
    assert response.json()["type"] == "client_error"


def test_invite_codes_are_typed_forgivingly(client_for, learner, parent):
    code = invite(client_for, learner)
    sloppy = f" {code[:4].lower()}-{code[4:].lower()} "

    response = client_for(parent).post(
        "/api/v1/parent-invites/redeem", {"code": sloppy}, format="json"
    )

    assert response.status_code == 201


def test_a_code_works_once(client_for, learner, parent, other_parent):
    code = invite(client_for, learner)
    client_for(parent).post("/api/v1/parent-invites/redeem", {"code": code}, format="json")

    response = client_for(other_parent).post(
        "/api/v1/parent-invites/redeem", {"code": code}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "used",
        "detail": "This invite code was already used.",
        "attr": "code",
    }
    assert not ParentLink.objects.filter(parent=other_parent).exists()


def test_an_expired_code_is_refused(client_for, learner, parent):
    code = invite(client_for, learner)
    ParentInvite.objects.filter(code=code).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client_for(parent).post(
        "/api/v1/parent-invites/redeem", {"code": code}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "expired"


def test_a_new_code_retires_the_learners_previous_one(client_for, learner, parent):
    first = invite(client_for, learner)
    invite(client_for, learner)

    response = client_for(parent).post(
        "/api/v1/parent-invites/redeem", {"code": first}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "expired"


def test_an_unknown_code_is_a_field_error(client_for, parent):
    response = client_for(parent).post(
        "/api/v1/parent-invites/redeem", {"code": "NOPE2345"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "code"


def test_only_learners_create_codes_and_only_parents_redeem_them(client_for, learner, parent):
    assert client_for(parent).post("/api/v1/parent-invites").status_code == 403
    code = invite(client_for, learner)
    other_learner = UserFactory(username="blaise")

    response = client_for(other_learner).post(
        "/api/v1/parent-invites/redeem", {"code": code}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "not_a_parent"


def test_either_side_can_unlink(client_for, learner, parent):
    code = invite(client_for, learner)
    link_id = (
        client_for(parent)
        .post("/api/v1/parent-invites/redeem", {"code": code}, format="json")
        .json()["id"]
    )
    assert client_for(learner).get("/api/v1/parent-links").json()["count"] == 1

    response = client_for(learner).delete(f"/api/v1/parent-links/{link_id}")

    assert response.status_code == 204
    assert client_for(parent).get(f"/api/v1/learners/{learner.pk}").status_code == 404
    assert client_for(parent).get("/api/v1/parent-links").json()["count"] == 0


def test_nobody_else_can_see_or_remove_a_link(client_for, learner, parent, other_parent):
    code = invite(client_for, learner)
    link_id = (
        client_for(parent)
        .post("/api/v1/parent-invites/redeem", {"code": code}, format="json")
        .json()["id"]
    )

    response = client_for(other_parent).delete(f"/api/v1/parent-links/{link_id}")

    assert response.status_code == 404
    assert ParentLink.objects.filter(pk=link_id).exists()
    assert client_for(other_parent).get("/api/v1/parent-links").json()["count"] == 0


def test_a_learner_cannot_read_another_learner_through_the_parent_endpoints(client_for, learner):
    other = UserFactory(username="blaise")

    assert client_for(learner).get(f"/api/v1/learners/{other.pk}").status_code == 404
    assert client_for(learner).get("/api/v1/learners").json()["count"] == 0


def test_listing_linked_learners_costs_the_same_for_one_or_many(
    client_for, parent, django_assert_max_num_queries
):
    for n in range(12):
        ParentLink.objects.create(parent=parent, learner=UserFactory(username=f"kid{n}"))
    client = client_for(parent)

    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/learners")

    assert response.json()["count"] == 12
