"""Who reaches which handover screen: 200 in scope, 404 outside it (never say it exists), 403 for a
role that may not (officials on every handover page; partners may read their own line's handovers
but never plan or record one), the log-in page for anonymous users, 405 for a GET on a mutation."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import User
from disbursements.models import Handover, LedgerEntry
from tests.disbursements.screens import in_english, item_data, machine, plan_url, url
from tests.disbursements.stages import approved_project, plan_cash, plan_equipment
from tests.factories import UserFactory, province


@pytest.fixture(autouse=True)
def english(settings):
    yield from in_english(settings)


@pytest.fixture
def project(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    """20,000 MAD of equipment from INDH and 8,000 MAD in cash from FM6RD, approved in Khémisset."""
    return approved_project(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd)


@pytest.fixture
def equipment(project, khemisset_staff):
    """The INDH line's planned handover (INDH's coordinator may read it; FM6RD's may not)."""
    return plan_equipment(project, khemisset_staff)


def page_paths(project, handover):
    return {
        "detail": handover.get_absolute_url(),
        "edit": url("edit_plan", handover),
        "deliver": url("deliver", handover),
        "plan": plan_url(project, "INDH"),
    }


def status_of(client, path):
    return client.get(path).status_code


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("khemisset_staff", {"detail": 200, "edit": 200, "deliver": 200, "plan": 302}),
        ("admin_user", {"detail": 200, "edit": 200, "deliver": 200, "plan": 302}),
        # INDH funds the line: it sees its handover, and may not plan or record one.
        ("khemisset_indh", {"detail": 200, "edit": 403, "deliver": 403, "plan": 403}),
        # ANAPEC follows the business up: it reads the handovers of the projects it studies.
        ("rsk_coordinator", {"detail": 200, "edit": 403, "deliver": 403, "plan": 403}),
        # The Foundation funds the other line only: INDH's handover and line do not exist for it.
        ("rsk_fm6rd", {"detail": 404, "edit": 404, "deliver": 404, "plan": 404}),
        ("rabat_staff", {"detail": 404, "edit": 404, "deliver": 404, "plan": 404}),
        ("khemisset_official", {"detail": 403, "edit": 403, "deliver": 403, "plan": 403}),
        ("unscoped_coordinator", {"detail": 403, "edit": 403, "deliver": 403, "plan": 403}),
    ],
)
def test_each_persona_reaches_the_handover_pages_it_may(request, client_for, project, equipment, persona, expected):
    client = client_for(request.getfixturevalue(persona))
    # The INDH line is wholly planned: a writer's plan page sends them back to the project (302).
    assert {name: status_of(client, path) for name, path in page_paths(project, equipment).items()} == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("khemisset_staff", 200),
        ("admin_user", 200),
        ("khemisset_indh", 404),  # the Foundation's line: not INDH's to see
        ("rsk_fm6rd", 403),  # its own line: it reads its handovers, the province plans them
        ("rsk_coordinator", 403),
        ("rabat_staff", 404),
        ("khemisset_official", 403),
    ],
)
def test_each_persona_may_plan_the_cash_line_or_not(request, client_for, project, persona, expected):
    assert client_for(request.getfixturevalue(persona)).get(plan_url(project, "FM6RD")).status_code == expected


@pytest.mark.parametrize(
    ("persona", "list_status", "rows"),
    [
        ("khemisset_staff", 200, 2),
        ("admin_user", 200, 2),
        ("khemisset_indh", 200, 1),
        ("rsk_fm6rd", 200, 1),
        ("rsk_coordinator", 200, 2),
        ("rabat_staff", 200, 0),
        ("khemisset_official", 403, None),
        ("unscoped_coordinator", 403, None),
    ],
)
def test_the_list_and_the_export_show_each_persona_its_own_handovers(
    request, client_for, project, khemisset_staff, persona, list_status, rows
):
    plan_equipment(project, khemisset_staff)
    plan_cash(project, khemisset_staff)
    client = client_for(request.getfixturevalue(persona))
    page = client.get(reverse("disbursements:handover_list"))
    assert page.status_code == list_status
    export = client.get(reverse("disbursements:handover_export", args=["csv"]))
    assert export.status_code == list_status
    if rows is not None:
        assert page.context["page"].paginator.count == rows
        assert len(export.content.decode("utf-8-sig").strip().splitlines()) == rows + 1


def test_an_unknown_export_format_is_404(client_for, khemisset_staff):
    assert client_for(khemisset_staff).get(reverse("disbursements:handover_export", args=["pdf"])).status_code == 404


@pytest.mark.parametrize(
    "persona", ["khemisset_indh", "rsk_coordinator", "rsk_fm6rd", "rabat_staff", "khemisset_official"]
)
def test_no_one_but_staff_and_admins_changes_a_handover(request, client_for, project, equipment, persona):
    client = client_for(request.getfixturevalue(persona))
    expected = {"rsk_fm6rd": 404, "rabat_staff": 404}.get(persona, 403)
    assert client.post(url("cancel", equipment), {"reason": "no"}).status_code == expected
    assert client.post(url("deliver", equipment), {"delivered_on": date.today().isoformat()}).status_code == expected
    assert client.post(url("edit_plan", equipment), item_data(machine(quantity="1"))).status_code == expected
    cash_line = {"khemisset_indh": 404, "rabat_staff": 404}.get(persona, 403)
    assert client.post(plan_url(project, "FM6RD"), {}).status_code == cash_line
    equipment.refresh_from_db()
    assert (equipment.status, equipment.amount, Handover.objects.count()) == ("planned", 20000, 1)


def test_a_delivery_is_reversed_by_an_admin_or_the_staff_who_recorded_it_only(
    client_for, project, equipment, khemisset_staff, khemisset_indh, admin_user
):
    equipment.deliver(by=khemisset_staff, on=date.today())
    colleague = UserFactory(username="khemisset.colleague", role=User.Role.STAFF, province=province("04.291"))
    for refused in (colleague, khemisset_indh):
        assert client_for(refused).post(url("reverse", equipment), {"reason": "x"}).status_code == 403
    assert LedgerEntry.objects.count() == 1
    # The colleague's page offers no reversal either.
    assert "Reverse the delivery" not in client_for(colleague).get(equipment.get_absolute_url()).text
    client_for(khemisset_staff).post(url("reverse", equipment), {"reason": "Wrong person"})
    assert LedgerEntry.objects.total() == 0


def test_a_partner_page_offers_no_button_that_would_answer_403(client_for, project, equipment, khemisset_indh):
    text = client_for(khemisset_indh).get(equipment.get_absolute_url()).text
    for name in ("deliver", "edit_plan", "cancel", "upload_receipt_scan"):
        assert url(name, equipment) not in text, name


def test_anonymous_users_are_sent_to_log_in_on_every_handover_page(client, project, equipment):
    paths = [*page_paths(project, equipment).values(), reverse("disbursements:handover_list")]
    paths += [url("receipt_scan", equipment), reverse("disbursements:handover_export", args=["csv"])]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), path
