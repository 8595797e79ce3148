from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_the_home_page_answers(client):
    assert client.get("/").status_code == 200
