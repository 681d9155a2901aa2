"""On a phone the list folds its filters behind a button and keeps name and status; the record puts
its actions within reach. (tests/e2e/test_small_screens.py looks at them in a real browser.)"""

import re

import pytest
from django.urls import reverse

from tests.factories import BeneficiaryFactory
from tests.need_to_know import submitted_project

PHONE_HIDDEN = "d-none d-md-table-cell"


@pytest.fixture
def person(db):
    return BeneficiaryFactory(first_name="Khadija", last_name="Zemmouri", commune="Tiflet")


def cells(html: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}\b[^>]*>", html)


def test_the_filters_fold_behind_a_filters_button(client_for, khemisset_staff, person):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    html = client.get(reverse("beneficiaries:list")).content.decode()
    button = re.search(r'<button[^>]*data-bs-target="#more-filters"[^>]*>([^<]*)</button>', html, flags=re.S)
    assert button and button.group(1) == "Filters"
    assert 'data-bs-toggle="collapse"' in button.group(0)
    assert 'aria-expanded="false"' in button.group(0)
    panel = re.search(r'<div class="([^"]*)" id="more-filters">', html)
    assert "collapse" in panel.group(1).split()
    assert "show" not in panel.group(1).split()
    assert 'name="status"' in html.split('id="more-filters"')[1]


def test_a_set_filter_keeps_the_panel_open(client_for, khemisset_staff, person):
    html = client_for(khemisset_staff).get(reverse("beneficiaries:list"), {"status": "registered"}).content.decode()
    panel = re.search(r'<div class="([^"]*)" id="more-filters">', html)
    assert "show" in panel.group(1).split()
    assert 'aria-controls="more-filters" aria-expanded="true"' in html


def test_on_a_phone_the_table_keeps_name_and_status_only(client_for, khemisset_staff, person):
    html = client_for(khemisset_staff).get(reverse("beneficiaries:list")).content.decode()
    headers = cells(html, "th")
    row = cells(html.split("<tbody>")[1], "td")
    assert len(headers) == len(row) == 7
    shown = [i for i, cell in enumerate(headers) if PHONE_HIDDEN not in cell]
    assert shown == [0, 5]  # name (the record's link) and status
    assert [i for i, cell in enumerate(row) if PHONE_HIDDEN not in cell] == shown


def test_the_record_offers_its_actions_at_the_top_on_small_screens(client_for, khemisset_staff, person):
    html = client_for(khemisset_staff).get(reverse("beneficiaries:detail", args=[person.pk])).content.decode()
    bar = re.search(r'<nav class="record-actions d-lg-none[^"]*"[^>]*>(.*?)</nav>', html, flags=re.S)
    assert bar
    assert re.findall(r'href="([^"]+)"', bar.group(1)) == ["#status-heading", "#consent-heading", "#timeline-heading"]
    assert html.index("record-actions") < html.index('id="identity-heading"')
    for target in ("status-heading", "consent-heading", "timeline-heading"):
        assert f'id="{target}"' in html


def test_a_reader_who_may_not_act_gets_no_actions_bar(client_for, rsk_coordinator, person):
    submitted_project(person)  # studied by ANAPEC, which the coordinator acts for: they may read the record
    response = client_for(rsk_coordinator).get(reverse("beneficiaries:detail", args=[person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Zemmouri" in html
    assert "record-actions" not in html
