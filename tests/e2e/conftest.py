"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live
server, with axe-core (from node_modules) checking every page we visit."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# The narrowest screen every page must fit without sideways scrolling (WCAG 1.4.10).
NARROWEST = 320
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Page:
    """A Playwright page that records CSP violations and can run axe."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.console_errors = []
        page.on(
            "console",
            lambda msg: msg.type == "error" and self.console_errors.append(msg.text),
        )

    def __getattr__(self, name):
        return getattr(self.page, name)

    def visit(self, path):
        return self.page.goto(self.base_url + path)

    def assert_accessible(self):
        """axe-core finds no WCAG 2.2 A/AA violations, and the CSP blocked nothing."""
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text())
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            WCAG_TAGS,
        )
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:3])
            for v in result["violations"]
        ]
        assert not problems, f"{self.page.url}\n" + "\n".join(problems)
        csp = [e for e in self.console_errors if "Content Security Policy" in e]
        assert not csp, csp
        self.assert_fits(NARROWEST)

    def assert_fits(self, width):
        """The page needs no sideways scrolling at this width (WCAG 1.4.10 reflow):
        every link and button is reachable on the smallest phone."""
        before = self.page.viewport_size
        self.page.set_viewport_size({"width": width, "height": 700})
        try:
            wide = self.page.evaluate(
                # NHS.UK's header moves menu items into "More" on the next animation
                # frame after a resize; a phone that loads at this width has them there.
                """async () => {
                  await new Promise(r => requestAnimationFrame(
                    () => requestAnimationFrame(r)));
                  const w = window.innerWidth;
                  if (document.documentElement.scrollWidth <= w) return null;
                  const over = [...document.querySelectorAll("body *")]
                    .filter(el => el.getBoundingClientRect().right > w + 0.5)
                    .slice(0, 3)
                    .map(el => el.tagName.toLowerCase() + (el.className ? "." +
                      String(el.className).split(" ").join(".") : ""));
                  return [document.documentElement.scrollWidth, over];
                }"""
            )
        finally:
            if before:
                self.page.set_viewport_size(before)
        assert wide is None, (
            f"{self.page.url} is {wide[0]} px wide at {width} px: {wide[1]}"
        )


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    yield Page(context.new_page(), live_server.url)
    context.close()
