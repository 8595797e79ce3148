"""What the browser journeys share: devices, the page watch, logging in, screenshots, layout checks.

The journeys read like a person's: these helpers do what she does (log in through the real login
page, type an answer, press Check) and look at what she sees, through role locators and labels.
"""

from __future__ import annotations

import re
import shutil
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Locator, Page, Request, Response, expect

from accounts.models import User
from curriculum.models import Lesson
from practice.models import PracticeSession
from practice.services import session_start
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.practice.builders import answer_current, current, right_answer, wrong_answer

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"

DEVICES: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None when Debian's Chromium is installed."""
    if CHROMIUM.is_file() or shutil.which(str(CHROMIUM)):
        return None
    return (
        f"the browser tests need Chromium at {CHROMIUM}: install the Debian package `chromium` "
        "(sudo apt-get install chromium)"
    )


# --- Watching a page for problems ------------------------------------------------------------


@dataclass
class PageWatch:
    """What went wrong on one page: errors a person may never see, but should never meet."""

    device: str
    origin: str
    expected: list[tuple[int, str]] = field(default_factory=list)
    console_errors: list[tuple[str, str]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    error_responses: list[tuple[int, str, str]] = field(default_factory=list)

    def is_expected(self, status: int, url: str) -> bool:
        path = urlsplit(url).path
        return (status, path) in self.expected

    def problems(self) -> list[str]:
        found: list[str] = []
        for status, method, url in self.error_responses:
            if not self.is_expected(status, url):
                found.append(f"[{self.device}] {method} {url} answered {status}")
        for text, url in self.console_errors:
            # Chromium also logs each error answer in the console: counted once, above.
            if text.startswith("Failed to load resource") and any(
                urlsplit(url).path == path for _, path in self.expected
            ):
                continue
            found.append(f"[{self.device}] console error: {text} ({url})")
        found += [f"[{self.device}] uncaught exception: {error}" for error in self.exceptions]
        found += [f"[{self.device}] request failed: {failure}" for failure in self.failed_requests]
        return found


_WATCHES: weakref.WeakKeyDictionary[Page, PageWatch] = weakref.WeakKeyDictionary()


def watch(page: Page, *, device: str, origin: str) -> PageWatch:
    """Start collecting the page's console errors, exceptions, failed requests and error answers."""
    page_watch = PageWatch(device=device, origin=origin)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            page_watch.console_errors.append((message.text, message.location.get("url", "")))

    def on_response(response: Response) -> None:
        if response.status >= 400 and response.url.startswith(origin):
            page_watch.error_responses.append(
                (response.status, response.request.method, response.url)
            )

    def on_request_failed(request: Request) -> None:
        # Aborted: the page that asked went away (a click navigated on) or a script cancelled it
        # on purpose. An error answer that aborts a script's load is caught by its status above.
        if request.failure != "net::ERR_ABORTED":
            page_watch.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page_watch.exceptions.append(str(error)))
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    _WATCHES[page] = page_watch
    return page_watch


def expect_response(page: Page, status: int, path: str) -> None:
    """This journey expects the site to answer `status` at `path`: not a problem this time."""
    _WATCHES[page].expected.append((status, path))


def device_of(page: Page) -> str:
    return _WATCHES[page].device


# --- Looking at pages ------------------------------------------------------------------------


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page as test-output/screenshots/<name>-<desktop|phone>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{device_of(page)}.png"
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


_OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 0.5) {
      const name = element.tagName.toLowerCase()
        + (element.id ? "#" + element.id : "")
        + (element.classList.length ? "." + [...element.classList].join(".") : "");
      wide.push(name + " reaches " + Math.round(box.right) + " px");
    }
  }
  return {scroll: document.documentElement.scrollWidth, inner: width, wide: wide.slice(0, 8)};
}"""


def assert_no_horizontal_scroll(page: Page) -> None:
    """Nothing on the page is wider than the screen, so it never scrolls sideways."""
    layout = page.evaluate(_OVERFLOW)
    assert layout["scroll"] <= layout["inner"], (
        f"{page.url} is {layout['scroll']} px wide on a {layout['inner']} px screen; "
        f"too wide: {', '.join(layout['wide']) or 'nothing visible (a pseudo-element?)'}"
    )


def fits_a_phone(page: Page) -> None:
    """On a phone, nothing scrolls sideways at 390 px nor at 360 px (a desktop is left alone)."""
    if device_of(page) != "phone":
        return
    size = page.viewport_size
    assert_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 360, "height": 740})
    assert_no_horizontal_scroll(page)
    if size:
        page.set_viewport_size(size)


_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e) return "nothing";
  const classes = typeof e.className === "string" && e.className.trim()
    ? "." + e.className.trim().split(/\\s+/).join(".") : "";
  const text = (e.innerText || e.value || "").trim().slice(0, 40);
  return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + classes + ' "' + text + '"';
}"""


def focused_element(page: Page) -> str:
    """What has the keyboard focus, as `tag#id.class "text"` (for messages and checks)."""
    return str(page.evaluate(_FOCUSED))


# --- People ------------------------------------------------------------------------------------


def make_parent(username: str, **fields: Any) -> User:
    """A parent made through the real sign-up service, with the test password."""
    return UserFactory(
        username=username, email=f"{username}@example.org", role=User.Role.PARENT, **fields
    )


def log_in(page: Page, login: str, password: str = DEFAULT_PASSWORD) -> None:
    """Log in through the real login page, with the e-mail address or the username."""
    page.goto("/accounts/login/")
    page.get_by_label("E-mail or username").fill(login)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def go_by_nav(page: Page, name: str) -> None:
    """Follow a link of the main navigation, as a person does (on a phone, from its menu)."""
    nav = page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        nav.get_by_text("Menu", exact=True).click()
    link.click()
    # On the new page the phone's menu is closed again: the link is there, folded away.
    here = nav.get_by_role("link", name=name, exact=True, include_hidden=True)
    expect(here).to_have_attribute("aria-current", "page")


def expect_chart_drawn(chart: Locator) -> None:
    """The `<canvas>` has been painted on: some pixel is not transparent."""
    expect(chart).to_be_visible()
    chart.page.wait_for_function(
        """(canvas) => {
          if (!canvas.width || !canvas.height) return false;
          const context = canvas.getContext("2d");
          const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
          for (let alpha = 3; alpha < pixels.length; alpha += 4) if (pixels[alpha]) return true;
          return false;
        }""",
        arg=chart.element_handle(),
        timeout=5_000,
    )


def practise(user: User, lesson: Lesson, *, wrong: int = 0) -> PracticeSession:
    """She plays the whole lesson (through the services, as the site does), `wrong` slips first."""
    session = session_start(user=user, mode=PracticeSession.Mode.LESSON, lesson=lesson)
    for answered in range(100):
        session.refresh_from_db()
        if not session.is_open or session.current_item() is None:
            break
        answer_current(user, session, right=answered >= wrong)
    return session


# --- Playing ---------------------------------------------------------------------------------

_SESSION_URL = re.compile(r"/learn/sessions/(\d+)/")


def session_on(page: Page) -> PracticeSession:
    """The practice session the player on this page is showing."""
    match = _SESSION_URL.search(page.url)
    assert match, f"not in the lesson player: {page.url}"
    return PracticeSession.objects.get(pk=int(match.group(1)))


def the_right_answer(page: Page) -> str:
    """What a learner who knows it types for the question on screen (her own variant)."""
    exercise, seed = current(session_on(page))
    return right_answer(exercise, seed)


def a_wrong_answer(page: Page) -> str:
    exercise, _ = current(session_on(page))
    return wrong_answer(exercise)


# The keypad's keys by what they type (their accessible names, from practice.presenters).
_KEY_NAMES = {
    **{digit: digit for digit in "0123456789"},
    ".": "decimal point",
    "-": "minus",
    "/": "divided by",
    "*": "times",
    "+": "plus",
    "^": "to the power of",
    "(": "open bracket",
    ")": "close bracket",
    "C": "constant C",
}
_FUNCTION_KEYS = {"sqrt": "square root", "sin": "sine", "cos": "cosine", "tan": "tangent"}
_FUNCTION_KEYS["ln"] = "natural log"
_TOKEN = re.compile(r"(sqrt|sin|cos|tan|ln)\(|pi|[A-Za-z]|.")


def keypad_presses(answer: str) -> list[str]:
    """The keys to press to type `answer` on the math keypad.

    A function key types its brackets and leaves the cursor inside them, so its closing bracket
    is a move to the right; a variable's key is named after it.
    """
    presses: list[str] = []
    open_brackets: list[str] = []
    for match in _TOKEN.finditer(answer.replace(" ", "")):
        token = match.group(0)
        if match.group(1):
            presses.append(_FUNCTION_KEYS[match.group(1)])
            open_brackets.append("function")
        elif token == "(":
            presses.append("open bracket")
            open_brackets.append("bracket")
        elif token == ")":
            closing = open_brackets.pop() if open_brackets else "bracket"
            presses.append("move right" if closing == "function" else "close bracket")
        elif token == "pi":
            presses.append("pi")
        else:
            presses.append(_KEY_NAMES.get(token, token))
    return presses


def type_on_keypad(page: Page, answer: str) -> None:
    """Type `answer` by tapping the keys of the on-screen math keypad."""
    keypad = page.get_by_role("group", name="Math keypad")
    for name in keypad_presses(answer):
        keypad.get_by_role("button", name=name, exact=True).click()
