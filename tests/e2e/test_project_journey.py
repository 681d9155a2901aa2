"""A micro-project from draft to approval, as the three people who handle it do, in Arabic and in
French: Khémisset's staff drafts and submits it, ANAPEC's coordinator records the study, INDH's
coordinator approves its line, and the convention page shows the amount committed."""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from beneficiaries.models import Beneficiary
from projects.models import MicroProject
from reintegration.lib.money import format_mad
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import TEST_PASSWORD, BeneficiaryFactory, ConventionFactory, consent, contribute, partner


def texts(language, *msgids):
    with translation.override(language):
        return [_(msgid) for msgid in msgids]


@pytest.fixture
def convention():
    convention = ConventionFactory(reference="KHE-2020-FM6RD-CPDH", envelope=Decimal("2200000"))
    contribute(convention, "INDH", "1400000")
    contribute(convention, "FM6RD", "800000")
    contribute(convention, "ANAPEC", "0", in_kind="Étude technique et financière, accompagnement et suivi")
    return convention


@pytest.fixture
def karim():
    return consent(
        BeneficiaryFactory(
            first_name="Karim", last_name="Tazi", first_name_ar="كريم", last_name_ar="التازي", commune="Tiflet"
        )
    )


def signed_in(browser, live_server, username, language):
    """A page of a fresh browser context (its own cookies), signed in as `username`."""
    page = browser.new_context().new_page()
    page.context.add_cookies([{"name": "idmaj_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def status_badge(page):
    return page.locator("main h1 + span .badge, main .badge").first


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_project_goes_from_draft_to_approved_through_three_people(
    live_server,
    browser,
    khemisset_staff,
    rsk_coordinator,
    khemisset_indh,
    convention,
    karim,
    language,
):
    submitted, studied, approved = texts(language, "Submitted", "Studied", "Approved")

    # Staff drafts the project from the person's record, then submits it.
    staff = signed_in(browser, live_server, "khemisset.staff", language)
    staff.goto(f"{live_server.url}/projects/new/?lead={karim.pk}")
    staff.locator("#id_title").fill("Atelier de couture")
    staff.locator("#id_sector").select_option("crafts")
    staff.locator("#id_total_cost").fill("30000")
    staff.locator("#id_own_contribution").fill("2000")
    staff.locator("#id_lines-0-partner").select_option(value=str(partner("INDH").pk))
    staff.locator("#id_lines-0-convention").select_option(value=str(convention.pk))
    staff.locator("#id_lines-0-amount").fill("28000")
    shoot(staff, f"project-draft-{language}")
    staff.locator("main form button[type=submit].btn-success").click()
    project = MicroProject.objects.get(title="Atelier de couture")
    staff.wait_for_url(f"{live_server.url}{project.get_absolute_url()}")
    staff.locator("form[action$='/submit/'] button[type=submit]").click()
    staff.wait_for_url(f"{live_server.url}{project.get_absolute_url()}")
    expect(status_badge(staff)).to_contain_text(submitted)
    shoot(staff, f"project-submitted-{language}")
    assert Beneficiary.objects.get(pk=karim.pk).status == Beneficiary.Status.PROJECT_IN_PREPARATION

    # ANAPEC's coordinator finds it in the worklist and records the study.
    anapec = signed_in(browser, live_server, "rsk.coordinator", language)
    anapec.locator("a.nav-link[href='/projects/awaiting-study/']").click()
    anapec.wait_for_url(f"{live_server.url}/projects/awaiting-study/")
    anapec.get_by_role("link", name="Atelier de couture").click()
    anapec.wait_for_url(f"{live_server.url}{project.get_absolute_url()}")
    anapec.locator(f"a[href='/projects/{project.pk}/study/']").click()
    anapec.wait_for_url(f"{live_server.url}/projects/{project.pk}/study/")
    anapec.locator("input[name=feasible][value=yes]").check()
    anapec.locator("#id_expected_monthly_revenue").fill("4000")
    anapec.locator("#id_notes").fill("Marché local porteur, expérience de couture en détention.")
    shoot(anapec, f"project-study-{language}")
    anapec.locator("main form button[type=submit]").click()
    anapec.wait_for_url(f"{live_server.url}{project.get_absolute_url()}")
    expect(status_badge(anapec)).to_contain_text(studied)

    # INDH's coordinator approves its line; the project is approved.
    indh = signed_in(browser, live_server, "khemisset.indh", language)
    indh.locator("a.nav-link[href='/projects/awaiting-approval/']").click()
    indh.wait_for_url(f"{live_server.url}/projects/awaiting-approval/")
    indh.get_by_role("link", name="Atelier de couture").click()
    indh.wait_for_url(f"{live_server.url}{project.get_absolute_url()}")
    shoot(indh, f"project-to-approve-{language}")
    indh.locator("form[action*='/approve/'] button[type=submit]").click()
    indh.wait_for_url(f"{live_server.url}{project.get_absolute_url()}")
    expect(status_badge(indh)).to_contain_text(approved)
    shoot(indh, f"project-approved-{language}")

    # The convention page shows INDH's 28,000 MAD committed, and what it has left.
    indh.goto(f"{live_server.url}{convention.get_absolute_url()}")
    parties = indh.locator("#parties-heading + * tbody tr", has_text="INDH")
    expect(parties).to_contain_text(format_mad(Decimal("28000"), language))
    expect(parties).to_contain_text(format_mad(Decimal("1372000"), language))
    shoot(indh, f"convention-committed-{language}")
