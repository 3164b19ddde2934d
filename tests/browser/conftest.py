"""Browser tests: Playwright (sync API) driving Debian's Chromium against a live server.

Playwright never downloads a browser here: it is given the path of the system
Chromium. Without one the tests skip, except under CI (CI=true), where they fail.
"""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

# Playwright's sync API runs an asyncio event loop in the test's thread, so
# Django's async-safety check would refuse the test's own database queries.
# This is Django's documented way out for code that is not really async.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_MISSING = (
    "Chromium not found: install Debian's chromium package (apt-get install chromium) "
    "to run browser tests"
)

# Running as root in a container: no sandbox, no GPU, and nothing that phones home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Used only for users this file has to create or whose demo password is unknown.
FALLBACK_PASSWORD = "browser-test-password-7Q2x"

BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A conftest hook sees every collected item, so mark only the ones in this folder.
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def find_chromium() -> str | None:
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"]
    candidates += [shutil.which("chromium"), shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(CHROMIUM_MISSING)
        pytest.skip(CHROMIUM_MISSING)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    # The app's Content Security Policy (script-src 'self') would block the
    # inline script tag that injects axe-core, so tests bypass CSP in their
    # context. The policy itself is tested on response headers, not here.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def password_for(username: str) -> str:
    """A password that signs in as username, making the user if need be.

    Demo users (from `manage.py load_demo`) keep the demo password; anyone else
    gets FALLBACK_PASSWORD, so tests run before or without the demo loader.
    """
    from django.contrib.auth import get_user_model

    try:
        from demo.loader import DEMO_PASSWORD
    except ImportError:
        DEMO_PASSWORD = None

    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is not None and DEMO_PASSWORD and user.check_password(DEMO_PASSWORD):
        return DEMO_PASSWORD
    if user is None:
        user = user_model.objects.create_user(username=username)
    user.set_password(FALLBACK_PASSWORD)
    user.save(update_fields=["password"])
    return FALLBACK_PASSWORD


def login_through_form(page: Page, live_server, username: str) -> None:
    """Sign in through the form at /login/ and wait to leave it."""
    password = password_for(username)
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


@pytest.fixture
def login() -> Callable[[Page, object, str], None]:
    """`login(page, live_server, username)` signs in through the login form."""
    return login_through_form
