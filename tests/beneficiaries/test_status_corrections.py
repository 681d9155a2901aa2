"""A status change is confirmed before it is made, and a wrong one is corrected with a reason."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse

from beneficiaries.models import Beneficiary
from territory.models import Province, Region
from territory.reference import load_reference
from tests.factories import BeneficiaryFactory

Status = Beneficiary.Status


@pytest.fixture(autouse=True)
def in_english(client):
    client.cookies["idmaj_language"] = "en"


@pytest.fixture
def karim(db):
    return BeneficiaryFactory(first_name="Karim", last_name="Tazi")


def url(name, person):
    return reverse(f"beneficiaries:{name}", args=[person.pk])


def status_of(person):
    return Beneficiary.objects.get(pk=person.pk).status


def timeline_labels(client, person):
    return [label for _, label, _ in client.get(url("detail", person)).context["timeline"]]


def move(person, status, by, **kwargs):
    person.move_to(status, by=by, **kwargs)
    return person


# --- confirmation ---------------------------------------------------------------------------


def test_choosing_a_status_asks_for_confirmation_and_changes_nothing_yet(client_for, khemisset_staff, karim):
    response = client_for(khemisset_staff).post(url("change_status", karim), {"status": "accompanied"})
    assert response.status_code == 200
    assert "Move Karim Tazi from Registered to Accompanied?" in response.text
    assert 'name="confirm" value="1"' in response.text
    assert reverse("beneficiaries:detail", args=[karim.pk]) in response.text  # Cancel goes back
    assert status_of(karim) == Status.REGISTERED
    assert karim.history.count() == 1


def test_the_confirmation_of_an_exit_names_the_reason(client_for, khemisset_staff, karim):
    data = {"status": "exited", "exit_reason": "moved_away"}
    response = client_for(khemisset_staff).post(url("change_status", karim), data)
    assert "Move Karim Tazi from Registered to Exited (Moved away)?" in response.text
    assert 'name="exit_reason" value="moved_away"' in response.text
    assert status_of(karim) == Status.REGISTERED


def test_confirming_changes_the_status(client_for, khemisset_staff, karim):
    client = client_for(khemisset_staff)
    response = client.post(url("change_status", karim), {"status": "accompanied", "confirm": "1"}, follow=True)
    assert status_of(karim) == Status.ACCOMPANIED
    assert "The status is now: Accompanied." in response.text


def test_an_exit_without_a_reason_keeps_exited_chosen_instead_of_the_next_step(client_for, khemisset_staff, karim):
    """The bug: the form came back set to the next step, so the next click moved the person on."""
    response = client_for(khemisset_staff).post(url("change_status", karim), {"status": "exited"})
    assert response.status_code == 400
    form = response.context["status_form"]
    assert form["status"].value() == "exited"
    assert form.errors["exit_reason"] == ["Choose why the person leaves the programme."]
    assert '<option value="exited" selected>' in response.text
    assert status_of(karim) == Status.REGISTERED


def test_staff_are_no_longer_offered_the_statuses_projects_set(client_for, khemisset_staff, karim):
    move(karim, Status.ACCOMPANIED, khemisset_staff)
    response = client_for(khemisset_staff).get(url("detail", karim))
    assert [value for value, _ in response.context["status_form"].fields["status"].choices] == ["exited"]
    refused = client_for(khemisset_staff).post(
        url("change_status", karim), {"status": "project_in_preparation", "confirm": "1"}
    )
    assert refused.status_code == 400
    assert status_of(karim) == Status.ACCOMPANIED


# --- step back --------------------------------------------------------------------------------


def test_staff_step_back_with_a_reason_and_the_timeline_shows_it(client_for, khemisset_staff, karim):
    move(karim, Status.ACCOMPANIED, khemisset_staff)
    client = client_for(khemisset_staff)
    data = {"reason": "Chosen by mistake: not yet accompanied", "from_status": "accompanied"}
    response = client.post(url("step_back_status", karim), data, follow=True)
    assert status_of(karim) == Status.REGISTERED
    assert "The status is corrected: it is now Registered." in response.text
    assert timeline_labels(client, karim)[0] == (
        "Status corrected: Accompanied → Registered — Chosen by mistake: not yet accompanied"
    )
    last = karim.history.first()
    assert (last.history_user, last.history_change_reason) == (khemisset_staff, data["reason"])


def test_the_record_page_offers_the_step_back_with_its_destination(client_for, khemisset_staff, karim):
    move(karim, Status.ACCOMPANIED, khemisset_staff)
    page = client_for(khemisset_staff).get(url("detail", karim)).text
    assert "Correct a wrong status" in page
    assert "Go back to Registered" in page


def test_nothing_to_step_back_from_registered(client_for, khemisset_staff, karim):
    page = client_for(khemisset_staff).get(url("detail", karim)).text
    assert "Correct a wrong status" not in page
    with pytest.raises(ValidationError, match="no earlier status"):
        karim.step_back(by=khemisset_staff, reason="mistake", from_status=Status.REGISTERED)


def test_step_back_from_exited_returns_to_the_status_before_exiting(client_for, khemisset_staff, karim):
    move(karim, Status.ACCOMPANIED, khemisset_staff)
    move(karim, Status.EXITED, khemisset_staff, exit_reason="deceased")
    client = client_for(khemisset_staff)
    data = {"reason": "Wrong person: his brother died", "from_status": "exited"}
    client.post(url("step_back_status", karim), data)
    karim.refresh_from_db()
    assert (karim.status, karim.exit_reason) == (Status.ACCOMPANIED, "")
    assert timeline_labels(client, karim)[0] == (
        "Status corrected: Exited → Accompanied — Wrong person: his brother died"
    )


def test_step_back_without_a_reason_is_refused_next_to_the_field_and_changes_nothing(
    client_for, khemisset_staff, karim
):
    move(karim, Status.ACCOMPANIED, khemisset_staff)
    response = client_for(khemisset_staff).post(
        url("step_back_status", karim), {"reason": "   ", "from_status": "accompanied"}
    )
    assert response.status_code == 400
    assert response.context["step_back_form"].errors["reason"] == ["Say why the status is corrected."]
    assert '<details id="step-back" class="mt-3" open>' in response.text
    assert status_of(karim) == Status.ACCOMPANIED
    assert karim.history.count() == 2


def test_a_reason_with_a_hidden_character_is_refused_by_the_text_rule(client_for, khemisset_staff, karim):
    move(karim, Status.ACCOMPANIED, khemisset_staff)
    data = {"reason": "mis\u202etake", "from_status": "accompanied"}
    response = client_for(khemisset_staff).post(url("step_back_status", karim), data)
    assert response.status_code == 400
    assert "U+202E" in response.context["step_back_form"].errors["reason"][0]
    assert status_of(karim) == Status.ACCOMPANIED


def test_a_step_back_from_a_page_left_open_while_the_status_changed_does_nothing(client_for, khemisset_staff, karim):
    """The page said "back to Registered"; someone exited the person meanwhile: no surprise move."""
    move(karim, Status.ACCOMPANIED, khemisset_staff)
    move(Beneficiary.objects.get(pk=karim.pk), Status.EXITED, khemisset_staff, exit_reason="moved_away")
    response = client_for(khemisset_staff).post(
        url("step_back_status", karim), {"reason": "mistake", "from_status": "accompanied"}
    )
    assert response.status_code == 400
    assert "The status changed meanwhile (it is now: Exited)" in response.text
    assert status_of(karim) == Status.EXITED


def test_staff_may_not_step_back_from_a_status_projects_set(client_for, khemisset_staff, karim):
    Beneficiary.objects.filter(pk=karim.pk).update(status=Status.FUNDED)
    client = client_for(khemisset_staff)
    assert "Correct a wrong status" not in client.get(url("detail", karim)).text
    response = client.post(url("step_back_status", karim), {"reason": "mistake", "from_status": "funded"})
    assert response.status_code == 400
    assert "Only an administrator may correct this status." in response.text
    assert status_of(karim) == Status.FUNDED


def test_an_admin_steps_back_from_any_status(client_for, admin_user, karim):
    Beneficiary.objects.filter(pk=karim.pk).update(status=Status.FUNDED)
    client = client_for(admin_user)
    assert "Go back to Project in preparation" in client.get(url("detail", karim)).text
    client.post(url("step_back_status", karim), {"reason": "Not funded yet", "from_status": "funded"})
    assert status_of(karim) == Status.PROJECT_IN_PREPARATION


# --- locking ----------------------------------------------------------------------------------


def test_a_step_back_keeps_a_concurrent_edit_of_the_name(khemisset_staff, karim):
    move(karim, Status.ACCOMPANIED, khemisset_staff)
    stale = Beneficiary.objects.get(pk=karim.pk)
    Beneficiary.objects.filter(pk=karim.pk).update(last_name="Tazi-Alaoui")  # an edit saved meanwhile
    stale.step_back(by=khemisset_staff, reason="mistake", from_status=Status.ACCOMPANIED)
    saved = Beneficiary.objects.get(pk=karim.pk)
    assert (saved.status, saved.last_name) == (Status.REGISTERED, "Tazi-Alaoui")


@pytest.fixture
def reference_data(transactional_db):
    """An earlier test with real commits ended with a flush of every table, regions included."""
    load_reference(Region, Province)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)")
def test_two_staff_correcting_the_same_status_at_once_make_one_correction(reference_data, khemisset_staff):
    person = BeneficiaryFactory(first_name="Karim", last_name="Tazi")
    move(person, Status.ACCOMPANIED, khemisset_staff)
    start = threading.Barrier(2)
    refused = []

    def correct():
        stale = Beneficiary.objects.get(pk=person.pk)
        start.wait()
        try:
            stale.step_back(by=khemisset_staff, reason="mistake", from_status=Status.ACCOMPANIED)
        except ValidationError as error:
            refused.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=correct) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert refused == ["status_changed"]
    assert status_of(person) == Status.REGISTERED
    assert person.history.filter(history_change_reason="mistake").count() == 1
