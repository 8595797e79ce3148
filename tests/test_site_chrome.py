"""What every page shares: the navigation, the learner's look (theme, font size, sounds, voice)
honoured on every page, themes that keep their contrast, the favicon, error pages in the site's
style, and signing in or up landing on the learning path."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.template import engines
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.views.defaults import bad_request, permission_denied, server_error

from accounts.models import LearnerProfile, User
from calcuingo.context_processors import appearance_load, appearance_of
from tests.accounts.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"
NAV = {
    "Learn": "practice:path",
    "Review": "practice:review",
    "Profile": "gamification:profile",
    "Leaderboards": "gamification:leaderboards",
    "Stats": "analytics:stats",
    "Family": "accounts:family",
    "Settings": "accounts:profile",
}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def main_nav(page: str) -> str:
    match = re.search(r'<nav class="mainnav" aria-label="Main">.*?</nav>', page, re.DOTALL)
    assert match, "no main navigation on the page"
    return match.group(0)


def link(label: str, url: str) -> str:
    return rf'<a href="{re.escape(url)}"( aria-current="page")?>{label}</a>'


# --- Navigation ------------------------------------------------------------------------------


def test_a_learner_finds_every_page_in_the_navigation_and_sees_who_she_is(learner: User) -> None:
    nav = main_nav(signed_in(learner).get(reverse("practice:review")).content.decode())

    for label, name in NAV.items():
        assert re.search(link(label, reverse(name)), nav), label
    assert f'<a href="{reverse("practice:review")}" aria-current="page">Review</a>' in nav
    assert nav.count('aria-current="page"') == 1
    assert "Children" not in nav, "only parents follow children"
    assert "Signed in as </span>ada" in nav
    assert "Log out" in nav


def test_a_parent_also_finds_her_children(parent: User) -> None:
    nav = main_nav(signed_in(parent).get(reverse("accounts:family")).content.decode())

    assert re.search(link("Children", reverse("analytics:children")), nav)
    assert f'<a href="{reverse("accounts:family")}" aria-current="page">Family</a>' in nav


def test_a_visitor_is_offered_to_log_in_or_sign_up(client: Client) -> None:
    page = client.get(reverse("home")).content.decode()

    assert 'class="mainnav"' not in page
    assert f'href="{reverse("account_login")}"' in page
    assert "Start learning" in page


def test_the_menu_is_a_disclosure_that_works_without_javascript(learner: User) -> None:
    page = signed_in(learner).get(reverse("practice:path")).content.decode()

    assert re.search(r'<details class="mainnav__menu"[^>]*>\s*<summary[^>]*>.*Menu</summary>', page)
    assert re.search(r'<script src="/static/js/site.js" defer>', page)
    assert "<script>" not in page, "no inline script"


# --- The learner's look on every page ------------------------------------------------------------


def test_every_page_carries_the_learners_theme_font_size_sounds_and_voice(learner: User) -> None:
    LearnerProfile.objects.filter(user=learner).update(
        colour_scheme="dark", font_size="extra_large", sound_effects=False, voice_feedback=True
    )
    client = signed_in(learner)

    for url in (reverse("practice:path"), reverse("accounts:profile"), reverse("analytics:stats")):
        page = client.get(url).content.decode()
        assert '<html lang="en" data-theme="dark" data-font-size="extra_large">' in page, url
        assert (
            '<body data-theme="dark" data-font-size="extra_large" data-sounds="off" '
            'data-voice="on"' in page
        ), url


def test_a_visitor_gets_the_default_look_without_a_query(
    client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        page = client.get(reverse("home")).content.decode()

    assert (
        '<body data-theme="default" data-font-size="medium" data-sounds="on" data-voice="off"'
        in page
    )


def test_a_fragment_that_shows_no_chrome_costs_no_query_for_it(learner: User) -> None:
    """The look is read lazily: an htmx fragment never pays for it."""
    request = RequestFactory().get("/")
    request.user = User.objects.get(pk=learner.pk)
    template = engines["django"].from_string("<p>{{ 1|add:1 }}</p>")

    with CaptureQueriesContext(connection) as queries:
        assert template.render({}, request) == "<p>2</p>"
        assert str(template.render({}, request))
    assert len(queries) == 0


def test_the_look_reuses_a_profile_the_view_loaded(
    learner: User, django_assert_num_queries: Any
) -> None:
    user = User.objects.get(pk=learner.pk)
    with django_assert_num_queries(1):
        appearance_load(user)
        look = appearance_of(user)
        appearance_of(user)

    assert (look.theme, look.font_size, look.sounds_attr, look.voice_attr) == (
        "default",
        "medium",
        "on",
        "off",
    )


# --- Themes -------------------------------------------------------------------------------------


def custom_properties(css: str, selector: str) -> dict[str, str]:
    """The custom properties set in the first rule whose selector list contains `selector`."""
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if selector in [part.strip() for part in selectors.split(",")]:
            return dict(re.findall(r"(--[\w-]+):\s*([^;]+);", body))
    raise AssertionError(f"no rule for {selector}")


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


CSS = re.sub(r"/\*.*?\*/", "", (STATIC / "css" / "site.css").read_text(), flags=re.DOTALL)
COLOURS = ["--bg", "--surface", "--text", "--muted", "--accent", "--accent-text", "--link"]
THEMES = {
    "light": (":root", 4.5),
    "dark": (':root[data-theme="dark"]', 4.5),
    "high contrast": (':root[data-theme="high_contrast"]', 7.0),
}


@pytest.mark.parametrize("theme", list(THEMES))
def test_each_theme_sets_every_colour_and_keeps_text_readable(theme: str) -> None:
    selector, minimum = THEMES[theme]
    light = custom_properties(CSS, ":root")
    colours = {**light, **custom_properties(CSS, selector)}

    for name in COLOURS:
        assert re.fullmatch(r"#[0-9a-f]{6}", colours[name]), (theme, name)
    for text, background in [
        ("--text", "--bg"),
        ("--text", "--surface"),
        ("--muted", "--surface"),
        ("--muted", "--bg"),
        ("--link", "--surface"),
        ("--accent-text", "--accent"),
        ("--bad", "--surface"),
        ("--good", "--surface"),
    ]:
        ratio = contrast(colours[text], colours[background])
        assert ratio >= minimum, f"{theme}: {text} on {background} is {ratio:.2f}:1"


def test_the_default_theme_follows_the_systems_dark_setting() -> None:
    assert "@media (prefers-color-scheme: dark)" in CSS
    dark = custom_properties(CSS, ':root[data-theme="dark"]')
    system_dark = custom_properties(CSS, ':root[data-theme="default"]')
    assert system_dark == dark


def test_font_sizes_scale_the_root_and_the_site_is_sized_in_rem() -> None:
    for size in ("small", "large", "extra_large"):
        assert f'html[data-font-size="{size}"]' in CSS
    assert not re.search(r"font(-size)?:[^;]*\d+px", CSS), "font sizes in rem, not px"


# --- Favicon and error pages ----------------------------------------------------------------------


def test_every_page_links_the_favicon(learner: User, client: Client) -> None:
    assert (STATIC / "favicon.svg").read_text().startswith("<svg")
    for page in (client.get(reverse("home")), signed_in(learner).get(reverse("practice:path"))):
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in (
            page.content.decode()
        )


def test_a_missing_page_is_a_404_in_the_sites_style(learner: User) -> None:
    response = signed_in(learner).get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert '<h1 id="error-heading">Page not found</h1>' in page
    assert 'href="/static/css/site.css"' in page
    assert 'class="mainnav"' in page


def test_a_refusal_is_a_403_in_the_sites_style_with_its_reason(learner: User) -> None:
    request = RequestFactory().get("/somewhere/")
    request.user = learner

    response = permission_denied(request, PermissionDenied("Only parents follow children."))

    page = response.content.decode()
    assert response.status_code == 403
    assert '<h1 id="error-heading">You cannot do that</h1>' in page
    assert "Only parents follow children." in page
    assert 'class="mainnav"' in page


def test_a_form_without_its_csrf_token_is_refused_in_the_sites_style(learner: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)

    response = client.post(reverse("accounts:profile"), {})

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert 'href="/static/css/site.css"' in response.content.decode()


@pytest.mark.parametrize(
    ("view", "status", "heading"),
    [
        (server_error, 500, "Something went wrong on our side"),
        (bad_request, 400, "That request did not make sense to us"),
    ],
)
def test_errors_rendered_without_a_request_context_are_in_the_sites_style_and_query_nothing(
    view: Any, status: int, heading: str, django_assert_num_queries: Any
) -> None:
    request = RequestFactory().get("/broken/")

    with django_assert_num_queries(0):
        response = view(request) if status == 500 else view(request, Exception("bad"))

    page = response.content.decode()
    assert response.status_code == status
    assert f'<h1 id="error-heading">{heading}</h1>' in page
    assert 'href="/static/css/site.css"' in page
    assert 'href="/static/favicon.svg"' in page


# --- Landing after login --------------------------------------------------------------------------


def test_logging_in_lands_on_the_learning_path(learner: User) -> None:
    response = Client().post(
        reverse("account_login"), {"login": learner.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("practice:path")


def test_signing_up_lands_on_the_learning_path() -> None:
    response = Client().post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "username": "newbie",
            "password1": "a long enough pass phrase",
            "password2": "a long enough pass phrase",
            "role": "learner",
            "timezone": "UTC",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("practice:path")


def test_the_home_page_sends_a_signed_in_user_to_her_path(learner: User) -> None:
    response = signed_in(learner).get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("practice:path")
