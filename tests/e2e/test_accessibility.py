"""axe-core (vendored from npm) finds no serious or critical accessibility problem on the main pages,
in Arabic (right to left) and in French."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, BeneficiaryFactory

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def violations(page):
    # evaluate() runs through the browser's debugging protocol, so the page's CSP does not block it.
    page.evaluate(AXE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_main_pages_have_no_serious_accessibility_problem(live_server, page, khemisset_staff, language):
    person = BeneficiaryFactory(
        first_name="Khadija", last_name="Zemmouri", first_name_ar="خديجة", last_name_ar="الزموري"
    )
    page.context.add_cookies([{"name": "idmaj_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/login/")
    found = {"login": violations(page)}
    page.locator("#id_username").fill("khemisset.staff")
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("main button[type=submit]").click()
    # A goto before the log-in answered would cancel it, and axe would check the log-in page five times.
    expect(page).to_have_url(f"{live_server.url}/")
    for name, path in [
        ("home", "/"),
        ("list", "/beneficiaries/"),
        ("detail", f"/beneficiaries/{person.pk}/"),
        ("register", "/beneficiaries/new/"),
        ("import", "/beneficiaries/import/"),
    ]:
        page.goto(live_server.url + path)
        expect(page).to_have_url(re.compile(re.escape(live_server.url + path) + "$"))
        found[name] = violations(page)
    assert {name: problems for name, problems in found.items() if problems} == {}, json.dumps(found, indent=1)
