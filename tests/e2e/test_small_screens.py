"""At phone size (390 px) the list fits the screen and folds its filters; a printed record is the record.
Screenshots of the list, the record and the official's home at 390 and 1280 px, in Arabic and French."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, BeneficiaryFactory, UserFactory, province

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def people(db):
    long_names = [
        ("Abdelouahed", "Benabdeljalil El Ouazzani", "عبد الواحد", "بنعبد الجليل الوزاني"),
        ("Fatima-Zahra", "Ait Ben Haddou", "فاطمة الزهراء", "آيت بن حدو"),
        ("Mohammed Amine", "El Alaoui El Ismaili", "محمد أمين", "العلوي الإسماعيلي"),
    ]
    return [
        BeneficiaryFactory(
            first_name=first,
            last_name=last,
            first_name_ar=first_ar,
            last_name_ar=last_ar,
            commune="Sidi Allal El Bahraoui",
        )
        for first, last, first_ar, last_ar in long_names
    ]


def log_in(page, live_server, username, language):
    page.context.add_cookies([{"name": "idmaj_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/")


def overflow(page, selector="html") -> int:
    """How many pixels `selector` is wider than what it shows (> 0: a sideways scroll)."""
    return page.evaluate(
        "s => { const e = s === 'html' ? document.scrollingElement : document.querySelector(s);"
        " return e.scrollWidth - (s === 'html' ? innerWidth : e.clientWidth); }",
        selector,
    )


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_on_a_phone_the_list_fits_and_its_filters_fold(
    live_server, page, khemisset_staff, people, screenshot, language
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "khemisset.staff", language)
    page.goto(f"{live_server.url}/beneficiaries/")
    expect(page.locator("tbody tr")).to_have_count(3)
    assert overflow(page) <= 0
    assert overflow(page, ".table-responsive") <= 0
    expect(page.locator("#id_status")).to_be_hidden()
    expect(page.locator("tbody tr").first.locator("td").nth(1)).to_be_hidden()  # the CIN
    screenshot(f"list-{language}-390")

    toggle = page.locator("button[data-bs-target='#more-filters']")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#id_status")).to_be_visible()
    assert overflow(page) <= 0
    screenshot(f"list-filters-{language}-390")

    page.set_viewport_size(DESKTOP)
    expect(toggle).to_be_hidden()
    expect(page.locator("#id_status")).to_be_visible()
    expect(page.locator("tbody tr").first.locator("td").nth(1)).to_be_visible()
    screenshot(f"list-{language}-1280")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_record_offers_its_actions_first_on_a_phone_and_prints_without_menu_or_forms(
    live_server, page, khemisset_staff, people, screenshot, language
):
    person = people[0]
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "khemisset.staff", language)
    page.goto(f"{live_server.url}/beneficiaries/{person.pk}/")
    actions = page.locator("nav.record-actions")
    expect(actions).to_be_in_viewport()
    assert overflow(page) <= 0
    screenshot(f"detail-{language}-390")
    actions.locator("a[href='#status-heading']").click()
    expect(page.locator("#status-heading")).to_be_in_viewport()

    page.set_viewport_size(DESKTOP)
    expect(actions).to_be_hidden()
    screenshot(f"detail-{language}-1280")

    with page.expect_response(re.compile(r"/reveal-cin/$")):
        page.locator("#cin button[type=submit]").click()
    expect(page.locator("#cin .cin-screen")).to_have_text(person.cin)
    page.emulate_media(media="print")
    expect(page.locator("header nav")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    expect(page.locator("main form").first).to_be_hidden()
    expect(page.locator("main .btn").first).to_be_hidden()
    expect(page.locator("#cin .cin-print")).to_have_text(person.masked_cin)
    expect(page.locator("#cin .cin-screen")).to_be_hidden()
    expect(page.locator("#identity-heading")).to_be_visible()
    expect(page.locator("#timeline-heading")).to_be_visible()
    screenshot(f"detail-print-{language}")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_official_home_and_refusal_pages_fit_a_phone(live_server, page, people, screenshot, language):
    UserFactory(username="khemisset.official", role="official", province=province("04.291"))
    for viewport, width in ((PHONE, 390), (DESKTOP, 1280)):
        page.set_viewport_size(viewport)
        if width == 390:
            log_in(page, live_server, "khemisset.official", language)
        else:
            page.goto(f"{live_server.url}/")
        expect(page.locator("#figures-not-people")).to_be_visible()
        assert overflow(page) <= 0
        screenshot(f"home-official-{language}-{width}")
        response = page.goto(f"{live_server.url}/beneficiaries/{people[0].pk}/")
        assert response.status == 403
        # The law as each language writes its number: 09-08 in French, 09.08 in Arabic.
        expect(page.locator("main")).to_contain_text({"ar": "09.08", "fr": "09-08"}[language])
        assert overflow(page) <= 0
        screenshot(f"refused-official-{language}-{width}")
