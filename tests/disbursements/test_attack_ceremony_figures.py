"""Attack: the ceremony list's figures for a funder's coordinator count its own partner's handovers
only, as the ceremony's page does (a coordinator never learns another partner's amounts)."""

import pytest
from django.urls import reverse

from disbursements.ceremony_planning import add_projects
from tests.disbursements.ceremony_scenes import approved_project, ceremony, in_english  # noqa: F401 (fixture)
from tests.projects.workflow_stages import khemisset_convention


@pytest.fixture
def delivered_ceremony(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    """A ceremony that delivered 20,000 MAD of INDH's equipment and 8,000 MAD of FM6RD's cash."""
    project = approved_project(khemisset_convention(), khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd)
    held = ceremony(khemisset_staff)
    add_projects(held, [project], by=khemisset_staff)
    held.deliver_all(by=khemisset_staff)
    return held


def list_row(client):
    page = client.get(reverse("disbursements:ceremony_list")).text
    return page[page.find("<tbody") : page.find("</tbody>")]


def test_the_fm6rd_coordinator_sees_only_fm6rd_s_delivery_in_the_ceremony_list(
    client_for, rsk_fm6rd, delivered_ceremony
):
    row = list_row(client_for(rsk_fm6rd))
    assert "8,000.00" in row
    assert "28,000.00" not in row
    assert '<td class="text-end">1</td>' in row


def test_the_indh_coordinator_sees_only_indh_s_delivery_in_the_ceremony_list(
    client_for, khemisset_indh, delivered_ceremony
):
    row = list_row(client_for(khemisset_indh))
    assert "20,000.00" in row
    assert "28,000.00" not in row


def test_staff_see_the_whole_ceremony_in_the_list(client_for, khemisset_staff, delivered_ceremony):
    row = list_row(client_for(khemisset_staff))
    assert "28,000.00" in row
    assert '<td class="text-end">2</td>' in row
