"""Signing in with GitHub: the OAuth round trip through allauth, with GitHub's side faked.

allauth calls GitHub with `requests` (its social adapter's `get_requests_session`), so the
`responses` library stands in for github.com and api.github.com: no test reaches the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from accounts.models import LearnerProfile, User

pytestmark = pytest.mark.django_db

CLIENT_ID = "calcuingo-test-client"
CLIENT_SECRET = "calcuingo-test-secret"
ACCESS_TOKEN_URL = "https://github.com/login/oauth/access_token"
USER_URL = "https://api.github.com/user"
EMAILS_URL = "https://api.github.com/user/emails"


@pytest.fixture
def github_configured(settings: Any) -> None:
    """The site as deployed with GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET set."""
    settings.GITHUB_CLIENT_ID = CLIENT_ID
    settings.GITHUB_CLIENT_SECRET = CLIENT_SECRET
    settings.SOCIALACCOUNT_PROVIDERS = {
        "github": {
            "SCOPE": ["read:user", "user:email"],
            "APPS": [{"client_id": CLIENT_ID, "secret": CLIENT_SECRET, "key": ""}],
        }
    }


@pytest.fixture
def github_not_configured(settings: Any) -> None:
    settings.GITHUB_CLIENT_ID = ""
    settings.GITHUB_CLIENT_SECRET = ""
    settings.SOCIALACCOUNT_PROVIDERS = {"github": {"SCOPE": ["read:user", "user:email"]}}


@pytest.fixture
def github() -> Iterator[responses.RequestsMock]:
    """github.com as seen by allauth; any request not faked here fails instead of going out."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def fake_github_user(
    github: responses.RequestsMock, *, email: str = "mona@example.org", verified: bool = True
) -> None:
    github.post(
        ACCESS_TOKEN_URL,
        json={"access_token": "gho_faketoken", "token_type": "bearer", "scope": "read:user"},
    )
    github.get(
        USER_URL,
        json={
            "id": 583231,
            "login": "octocat",
            "name": "Mona Lisa Octocat",
            "email": email,
            "html_url": "https://github.com/octocat",
        },
    )
    github.get(
        EMAILS_URL,
        json=[{"email": email, "primary": True, "verified": verified, "visibility": "public"}],
    )


def start_github_login(browser: Client) -> str:
    """Press "Sign in with GitHub"; return the state allauth sent GitHub away with."""
    response = browser.post(reverse("github_login"), {"process": "login"})

    assert response.status_code == 302
    authorize = urlsplit(response["Location"])
    assert (authorize.scheme, authorize.netloc, authorize.path) == (
        "https",
        "github.com",
        "/login/oauth/authorize",
    )
    query = parse_qs(authorize.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"][0].endswith(reverse("github_callback"))
    assert query["state"][0]
    return query["state"][0]


def come_back_from_github(browser: Client, *, state: str, code: str = "the-code") -> Any:
    return browser.get(reverse("github_callback"), {"code": code, "state": state})


def test_signing_in_with_github_creates_a_verified_learner_and_logs_her_in(
    client: Client, github_configured: None, github: responses.RequestsMock
) -> None:
    fake_github_user(github, email="mona@example.org", verified=True)

    state = start_github_login(client)
    response = come_back_from_github(client, state=state)

    assert response.status_code == 302
    assert response["Location"] == reverse("practice:path")
    user = User.objects.get(email="mona@example.org")
    assert user.username == "octocat"
    assert user.role == User.Role.LEARNER
    assert user.is_verified is True
    assert LearnerProfile.objects.filter(user=user).exists()
    assert SocialAccount.objects.get(user=user).uid == "583231"
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200
    assert "<dd>octocat</dd>" in page.content.decode()


def test_the_code_is_exchanged_for_a_token_with_our_client_credentials(
    client: Client, github_configured: None, github: responses.RequestsMock
) -> None:
    fake_github_user(github)

    come_back_from_github(client, state=start_github_login(client), code="code-from-github")

    token_request = github.calls[0].request
    assert token_request.url == ACCESS_TOKEN_URL
    sent = parse_qs(str(token_request.body))
    assert sent["code"] == ["code-from-github"]
    assert sent["client_id"] == [CLIENT_ID]
    assert sent["client_secret"] == [CLIENT_SECRET]
    assert [call.request.headers["Authorization"] for call in github.calls[1:]] == [
        "token gho_faketoken",
        "token gho_faketoken",
    ]


def test_a_github_address_github_has_not_verified_leaves_the_user_unverified(
    client: Client, github_configured: None, github: responses.RequestsMock
) -> None:
    fake_github_user(github, email="unchecked@example.org", verified=False)

    come_back_from_github(client, state=start_github_login(client))

    user = User.objects.get(email="unchecked@example.org")
    assert user.is_verified is False
    assert LearnerProfile.objects.filter(user=user).exists()


def test_github_signs_an_existing_learner_into_her_account_by_her_verified_address(
    client: Client, github_configured: None, github: responses.RequestsMock, learner: User
) -> None:
    fake_github_user(github, email="ada@example.org", verified=True)

    come_back_from_github(client, state=start_github_login(client))

    assert User.objects.filter(email__iexact="ada@example.org").count() == 1
    assert SocialAccount.objects.get(provider="github").user == learner
    assert "<dd>ada</dd>" in client.get(reverse("accounts:profile")).content.decode()


def test_an_unverified_github_address_of_an_existing_learner_does_not_sign_into_her_account(
    client: Client, github_configured: None, github: responses.RequestsMock, learner: User
) -> None:
    fake_github_user(github, email="ada@example.org", verified=False)

    response = come_back_from_github(client, state=start_github_login(client))

    assert response["Location"] == reverse("socialaccount_signup")
    page = client.get(response["Location"]).content.decode()
    assert "<h1>Finish signing up</h1>" in page
    assert not SocialAccount.objects.exists()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_a_callback_with_a_state_we_did_not_issue_is_refused_without_calling_github(
    client: Client, github_configured: None, github: responses.RequestsMock
) -> None:
    fake_github_user(github)
    start_github_login(client)

    response = come_back_from_github(client, state="forged-state")

    assert "Third-Party Login Failure" in response.content.decode()
    assert len(github.calls) == 0
    assert not User.objects.filter(email="mona@example.org").exists()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_the_login_page_hides_github_when_it_is_not_configured(
    client: Client, github_not_configured: None
) -> None:
    page = client.get(reverse("account_login")).content.decode()

    assert "GitHub" not in page


def test_the_login_and_sign_up_pages_offer_github_when_it_is_configured(
    client: Client, github_configured: None
) -> None:
    login = client.get(reverse("account_login")).content.decode()
    signup = client.get(reverse("account_signup")).content.decode()

    assert f'<form method="post" action="{reverse("github_login")}">' in login
    assert '<button type="submit" class="github">Sign in with GitHub</button>' in login
    assert '<button type="submit" class="github">Sign up with GitHub</button>' in signup
