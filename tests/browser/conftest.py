"""Browser journeys: Debian's Chromium, driven by Playwright, against a live server.

Every page a test opens is watched: a console error, an uncaught exception, a failed request or a
same-origin answer of 400 or more fails the test at teardown, unless the test said it expects
that answer (`expect_response`). Chromium is never downloaded: it is the `chromium` package at
/usr/bin/chromium. Without it the journeys skip on a developer's machine and fail in CI.
"""

from __future__ import annotations

import fcntl
import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.browser.helpers import CHROMIUM, DEVICES, PageWatch, chromium_missing, watch


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def pytest_runtest_setup(item: pytest.Item) -> None:
    """No Chromium: skip (naming the package to install), except in CI where it must be there.

    A hook rather than a fixture, so that a skipped journey does not even set its database up.
    """
    missing = chromium_missing()
    if missing is None:
        return
    if _in_ci():
        pytest.fail(f"CI must run the browser tests: {missing}", pytrace=False)
    pytest.skip(missing)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test file.

    Per file rather than per session, so that the next test file on this worker inherits neither
    Playwright's event loop nor the permission given to Django below.
    The sandbox is off: it cannot start as root (CI) or in most containers, and these tests only
    ever load our own pages from localhost.
    """
    # While Playwright is started, its sync API keeps an event loop marked as running in this
    # thread, and Django would refuse the tests' ORM calls "from an async context".
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv(
            "DJANGO_ALLOW_ASYNC_UNSAFE", os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        )
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            # Containers give /dev/shm a few megabytes, too few for Chromium's shared memory.
            args=["--no-sandbox", "--disable-dev-shm-usage"],
            headless=True,
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def live_server(django_db_setup: None) -> Iterator[LiveServer]:
    """pytest-django's live server, run as in production but over plain HTTP, one per test file.

    Started under these settings, since the middleware reads them once when the server starts:
    the live server speaks only http://, where a redirect to https:// or a Secure cookie would
    stop every journey at the door. Per file, so that no other test file sees these settings.
    """
    with override_settings(
        SECURE_SSL_REDIRECT=False, SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False
    ):
        server = LiveServer("localhost")
        yield server
        server.stop()


@pytest.fixture
def site(live_server: LiveServer) -> str:
    """The live server's address."""
    return str(live_server.url)


@pytest.fixture
def open_page(browser: Browser, site: str) -> Iterator[Callable[..., Page]]:
    """Open a watched page on a fresh device: `open_page("desktop")` or `open_page("phone")`."""
    watches: list[PageWatch] = []
    contexts = []

    def make(device: str = "desktop") -> Page:
        context = browser.new_context(
            base_url=site,
            locale="en-GB",
            timezone_id="Europe/London",
            reduced_motion="reduce",
            **DEVICES[device],
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watches.append(watch(page, device=device, origin=site))
        return page

    yield make

    problems = [problem for page_watch in watches for problem in page_watch.problems()]
    for context in contexts:
        context.close()
    if problems:
        pytest.fail("The browser saw problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(open_page: Callable[..., Page]) -> Page:
    """A desktop browser window, 1280 × 800."""
    return open_page("desktop")


@pytest.fixture
def phone(open_page: Callable[..., Page]) -> Page:
    """A phone, 390 × 844, touch."""
    return open_page("phone")


@pytest.fixture(scope="session")
def demo_snapshot(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """`manage.py load_demo` once per test run, kept as a fixture file of the whole database.

    The demo (six tracks, ada's weeks of history and her neighbours) takes half a minute to build
    and a few seconds to load back, so the first worker to need it builds it (under a lock, the
    other waits) and every journey gets it back from the file. The database is left as found.
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's directory, common to the workers
    path = shared / "demo.json"
    with (shared / "demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            partial = path.with_suffix(".partial")
            with django_db_blocker.unblock():
                call_command("load_demo", stdout=io.StringIO())
                call_command("dumpdata", all=True, output=str(partial), verbosity=0)
                call_command("flush", interactive=False, verbosity=0)
            partial.rename(path)
    return path


@pytest.fixture
def demo(demo_snapshot: Path, transactional_db: None) -> None:
    """The world of `manage.py load_demo`: its curriculum and the README's people, ada (a learner
    with weeks of practice), grace (her parent) and euler (an author), password `calcuingo-demo`."""
    # An exact image of the database: empty it first, seeds included (they are in the image).
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    call_command("loaddata", str(demo_snapshot), verbosity=0)
    # The leaderboards live in Redis when it is configured; rebuild them from the XP ledger.
    call_command("leaderboards_rebuild", stdout=io.StringIO())
