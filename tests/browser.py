"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, with the network off.

Used by tests/test_views_browser.py, and run as a script to take the README's screenshot with the
same browser:

    python3 tests/browser.py exports/views/chain.html exports/views-chain.png

Never run `playwright install`: it downloads a browser of its own; these tests use Debian's,
which tests/run.sh installs (with fonts-noto-cjk, without which Chinese shows as empty boxes).
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync",
        "--disable-default-apps", "--disable-extensions"]
VIEWPORT = {"width": 1400, "height": 900}
READY = "html[data-kg-state=ready]"
WAIT_MS = 120_000  # a ceiling for slow machines, not a timing assertion


class BrowserMissing(RuntimeError):
    pass


def chromium_path() -> str:
    if not Path(CHROMIUM).is_file() or shutil.which(CHROMIUM) is None:
        raise BrowserMissing(f"{CHROMIUM} not found: the view tests need Debian's chromium and "
                             "fonts-noto-cjk; bash tests/run.sh installs them")
    return CHROMIUM


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=ARGS)


@dataclass
class Opened:
    """A page opened offline, with everything it logged and every request it tried."""

    page: object
    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    @property
    def outside_requests(self) -> list[str]:
        """Requests for anything but the page itself."""
        return [u for u in self.requests if u != self.url]


def open_page(browser, path: Path, wait_ready: bool = True) -> Opened:
    """Open `path` in a fresh offline context; every non-file request is recorded and aborted."""
    context = browser.new_context(viewport=VIEWPORT, offline=True, service_workers="block")
    page = context.new_page()
    opened = Opened(page, path.resolve().as_uri())

    def route(r):
        if r.request.url == opened.url:
            r.continue_()
        else:
            opened.blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("request", lambda r: opened.requests.append(r.url))
    page.on("console", lambda m: opened.errors.append(f"console.{m.type}: {m.text}")
            if m.type in ("error", "assert") else None)
    page.on("pageerror", lambda e: opened.errors.append(f"uncaught: {e}"))
    page.goto(opened.url)
    if wait_ready:
        page.wait_for_selector(READY, state="attached", timeout=WAIT_MS)
    return opened


def screenshot(view: Path, png: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            opened = open_page(browser, view)
            if opened.errors or opened.outside_requests:
                raise SystemExit(f"{view}: {opened.errors} {opened.outside_requests}")
            opened.page.screenshot(path=str(png))
        finally:
            browser.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    screenshot(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"wrote {sys.argv[2]}")
