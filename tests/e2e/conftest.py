"""Browser fixtures: Debian's Chromium driven by Playwright against a live server of the app, on the demo data.

The demo (five seed plans, readings, the periods closed by themselves) takes tens of seconds to load, so it is loaded
once for the whole folder, committed, and the database is flushed after the last journey (as a transactional test
would). The journeys run in the order of their file names, like a month in the life of a commune: nhập liệu enters
the month, lãnh đạo closes the period and signs, nội vụ reads it all; each one's fixtures still bring the state it
needs when run alone.

Every page a test opens records console errors and uncaught page errors; a test fails if any appeared that it did
not announce with ``browser_errors.expect(...)`` (a deliberate 404 makes Chromium log one, for instance).
Screenshots of the main pages go to ``artifacts/screenshots/`` (not committed) at desktop and phone widths.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection
from django.test.utils import modify_settings, override_settings, setup_databases, teardown_databases
from pytest_django.live_server_helper import LiveServer

from config.celery import app as celery_app
from tests.e2e.axe import AxeLog, init_script
from tests.e2e.browser import DESKTOP, SCREENSHOTS

FAILURES = SCREENSHOTS.parent / "failures"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright's sync API in one process

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
REAL_DATABASE = settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"]  # read at collection, before any test database exists


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for the whole run (no network beyond the live server)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class BrowserErrors:
    """Console errors and uncaught exceptions of a page; expected ones are announced before they happen."""

    seen: list[str] = field(default_factory=list)
    expected: list[re.Pattern] = field(default_factory=list)

    def expect(self, pattern: str) -> None:
        """Announce one console error the test provokes on purpose (e.g. the 404 of a forbidden URL)."""
        self.expected.append(re.compile(pattern))

    def record(self, text: str) -> None:
        for index, pattern in enumerate(self.expected):
            if pattern.search(text):
                del self.expected[index]
                return
        self.seen.append(text)


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


@pytest.fixture(scope="session")
def axe_script() -> str:
    return init_script()


@pytest.fixture
def axe_log() -> AxeLog:
    return AxeLog()


@pytest.fixture
def page(request, browser, server, browser_errors, axe_script, axe_log) -> Iterator:
    """A fresh desktop-sized tab (own cookies) whose console errors and accessibility violations (axe-core runs in
    every page it opens, tests/e2e/axe.py) fail the test."""
    context = browser.new_context(
        base_url=server.url,
        viewport=DESKTOP,
        locale="vi-VN",
        # No CSS transitions (Bootstrap honours prefers-reduced-motion): axe must judge a button's colours, not a
        # frame of its hover animation while the journey's pointer passes over it.
        reduced_motion="reduce",
        timezone_id="Asia/Ho_Chi_Minh",
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(axe_script)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            browser_errors.record(f"console: {message.text} ({message.location.get('url', '')})")
            if message.type == "error"
            else axe_log.record(message.text)
        ),
    )
    page.on("pageerror", lambda error: browser_errors.record(f"page error: {error}"))
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        FAILURES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=FAILURES / f"{request.node.name}.png", full_page=True)
        (FAILURES / f"{request.node.name}.html").write_text(page.content(), encoding="utf-8")
    context.close()
    assert not browser_errors.seen, "Lỗi trong console của trình duyệt:\n" + "\n".join(browser_errors.seen)
    assert not axe_log.reports, "Lỗi truy cập (axe-core, mức nghiêm trọng trở lên):\n" + axe_log.summary()


def _flush() -> None:
    assert connection.settings_dict["NAME"] != REAL_DATABASE, "refusing to flush the real database"
    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="package")
def test_database(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The test database. pytest-django creates it only when some selected test asks for `db`; the journeys do not
    (they share one committed demo), so when they run alone the test database is created here."""
    with django_db_blocker.unblock():
        if connection.settings_dict["NAME"] != REAL_DATABASE:
            yield
            return
        config = setup_databases(verbosity=0, interactive=False, aliases={DEFAULT_DB_ALIAS})
        try:
            yield
        finally:
            teardown_databases(config, verbosity=0)


@pytest.fixture(scope="package")
def demo(test_database, django_db_blocker) -> Iterator[dict[str, float]]:
    """The demo loaded once into the test database with `load_demo`; flushed again after the last journey."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        _flush()
        started = time.perf_counter()
        call_command("load_demo", "--quiet-logins", stdout=open(os.devnull, "w"))
        timing = {"load_seconds": time.perf_counter() - started}
        print(f"\n[e2e] demo loaded in {timing['load_seconds']:.1f} s")
        try:
            yield timing
        finally:
            _flush()
            celery_app.conf.task_always_eager = eager


@pytest.fixture(scope="package")
def server(demo) -> Iterator[LiveServer]:
    """A live server of the app (static files through Django's staticfiles handler, as pytest-django's)."""
    live = LiveServer("localhost")
    with modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
        yield live
    live.stop()


@pytest.fixture(autouse=True)
def _database(django_db_blocker) -> Iterator[None]:
    """Journeys and the live server share the committed demo (no per-test transaction to roll back)."""
    with django_db_blocker.unblock():
        yield
