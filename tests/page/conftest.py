"""Page test fixtures: one real server and one real browser for the module.

The browser is Debian's headless Chromium (``tools/install_browser.py``
installs it), driven by Playwright: Playwright's own browser builds come
from a host this project's machines cannot reach.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from servers import readme_farm, running_server

CHROMIUM = Path("/usr/bin/chromium")
#: Without these Chromium waits on update, sync and QUIC probes to hosts a closed network never answers.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def farm() -> dict:
    return readme_farm()


@pytest.fixture(scope="module")
def base_url(small_registry, tmp_path_factory):
    """A real ``recommender serve`` on the small model."""
    log = tmp_path_factory.mktemp("page-server") / "server.log"
    with running_server(small_registry.root, log) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `python tools/install_browser.py` (the README's test command does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """A fresh browser context on the server: its page, and every request it made.

    Requests to any other host are recorded in ``foreign`` and aborted (on a
    closed network they would hang, not fail).
    """

    def __init__(self, browser, base_url: str, viewport: dict):
        self.base_url = base_url
        self.requests: list[str] = []
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport=viewport, base_url=base_url)
        # Every step of these tests takes well under a second: fail fast, not after 30 s.
        self.context.set_default_timeout(10_000)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == urlsplit(self.base_url).netloc:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, base_url):
    """``visit(viewport=...)``: a fresh context (no state shared between tests)."""
    opened: list[Visit] = []

    def open_visit(viewport: dict = DESKTOP) -> Visit:
        opened.append(Visit(browser, base_url, viewport))
        return opened[-1]

    yield open_visit
    for each in opened:
        each.close()
