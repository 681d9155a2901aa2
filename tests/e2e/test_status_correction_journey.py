"""A Khémisset staff member moves a person on by mistake, in Arabic and in French: the change asks
for confirmation, the correction takes a reason, and both are on the timeline. Then the session
warning, and the registration form's summary of errors."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from beneficiaries.models import Beneficiary, Consent
from tests.factories import TEST_PASSWORD, BeneficiaryFactory

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def texts(language, *msgids):
    with translation.override(language):
        return [_(msgid) for msgid in msgids]


@pytest.fixture
def karim(khemisset_staff):
    """Like a demo person: both scripts, a consent, registered by the staff member."""
    person = BeneficiaryFactory(
        first_name="Karim", last_name="Tazi", first_name_ar="كريم", last_name_ar="التازي", commune="Tiflet"
    )
    Consent.objects.create(
        beneficiary=person, purpose=Consent.Purpose.PROGRAMME, given_on="2025-01-10", recorded_by=khemisset_staff
    )
    return person


def log_in(page, live_server, language, next_path="/"):
    page.context.add_cookies([{"name": "idmaj_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/login/?next={next_path}")
    page.locator("#id_username").fill("khemisset.staff")
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{next_path}")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_staff_confirm_a_status_change_then_correct_it_with_a_reason(
    live_server, page, khemisset_staff, karim, screenshot, language
):
    registered, accompanied = texts(language, "Registered", "Accompanied")
    record = f"/beneficiaries/{karim.pk}/"
    log_in(page, live_server, language, record)

    # The wrong move: "accompanied" chosen, then a page that says what will happen.
    page.locator("#id_status").select_option("accompanied")
    page.locator("form[action$='/status/'] button[type=submit]").click()
    question = page.locator("#confirm-question")
    expect(question).to_contain_text(accompanied)
    expect(question).to_contain_text("Karim Tazi")
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        screenshot(f"status-confirm-{language}-{name}")
    assert Beneficiary.objects.get(pk=karim.pk).status == "registered"  # nothing yet
    page.locator("form[action$='/status/'] button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{record}")
    expect(page.locator("main .badge").first).to_have_text(accompanied)

    # The correction: back to "registered", with a reason.
    page.locator("#step-back summary").click()
    page.locator("#id_reason").fill("Choisi par erreur")
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        screenshot(f"status-step-back-{language}-{name}")
    page.locator("#step-back button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{record}")
    expect(page.locator("main .badge").first).to_have_text(registered)
    latest = page.locator("#timeline-heading + ol li").first
    with translation.override(language):
        corrected = _("Status corrected: %(old)s → %(new)s — %(reason)s")
    expect(latest.locator("div").first).to_have_text(
        corrected % {"old": accompanied, "new": registered, "reason": "Choisi par erreur"}
    )
    expect(latest).to_contain_text(str(khemisset_staff))
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.locator("#timeline-heading").scroll_into_view_if_needed()
        screenshot(f"status-corrected-{language}-{name}")
    assert Beneficiary.objects.get(pk=karim.pk).status == "registered"


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_session_warning_offers_to_stay_signed_in_and_then_says_it_ended(
    live_server, page, khemisset_staff, screenshot, language
):
    page.clock.install()
    log_in(page, live_server, language, "/beneficiaries/new/")
    page.locator("#id_first_name").fill("Fatima")
    warning = page.locator("#session-warning")
    expect(warning).to_be_hidden()

    page.clock.fast_forward("25:01")
    expect(warning).to_be_visible()
    page.set_viewport_size(WIDTHS["phone"])
    screenshot(f"session-warning-{language}-phone")
    page.set_viewport_size(WIDTHS["desktop"])
    screenshot(f"session-warning-{language}-desktop")
    with page.expect_response("**/account/keep-alive/") as answer:
        warning.locator("[data-role=stay]").click()
    assert answer.value.status == 204
    expect(warning).to_be_hidden()

    # 30 minutes without a request: the page says the session is over; the server agrees.
    page.clock.fast_forward("30:01")
    log_in_again = warning.locator("[data-role=log-in]")
    expect(log_in_again).to_be_visible()
    expect(warning.locator("[data-role=stay]")).to_be_hidden()
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    cache.clear()  # cached_db sessions (REDIS_URL, as in CI): the cached copy expires with the row
    log_in_again.click()
    expect(page.locator("#session-ended")).to_be_visible()
    expect(page.locator("main input[name=next]")).to_have_value("/beneficiaries/new/")
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        screenshot(f"session-ended-{language}-{name}")


def test_the_registration_summary_takes_the_focus_and_its_links_reach_the_fields(
    live_server, page, khemisset_staff, screenshot
):
    log_in(page, live_server, "fr", "/beneficiaries/new/")
    page.locator("#id_first_name").fill("Fatima")
    page.locator("#id_date_of_birth").fill("2099-01-01")
    page.locator("main form button[type=submit]").first.click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page.locator("#id_first_name")).to_have_value("Fatima")  # what was typed is kept
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        screenshot(f"registration-errors-fr-{name}")
    summary.locator("a[href='#id_date_of_birth']").click()
    expect(page.locator("#id_date_of_birth")).to_be_focused()
