"""Browser journeys: playwright drives Debian's chromium against live_server (never a downloaded browser)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

# live_server runs Django in a thread while playwright's loop runs in this one.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Each expect() waits for a state; on a shared 2-core machine a page can take longer than the
# default 5 s to reach it. A longer wait changes nothing when the state comes, only when it never does.
expect.set_options(timeout=20_000)


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason="no /usr/bin/chromium: install Debian's chromium (apt-get install chromium)")
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(autouse=True)
def territory(transactional_db):
    """live_server's transactional tests flush the tables: reload the reference data."""
    from partners.models import Partner
    from partners.reference import load_programme_partners
    from territory.models import Province, Region
    from territory.reference import load_reference

    load_reference(Region, Province)
    load_programme_partners(Partner)


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str):
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return take
