"""Who may see and do what on the ceremony screens (200 in scope, 404 outside, 403 for the wrong
role, 405 for a GET on a mutation), creating and editing a ceremony, and hostile input."""

import pytest
from django.urls import reverse

from disbursements.ceremony_planning import add_projects
from disbursements.models import Ceremony, Handover
from tests.disbursements.ceremony_scenes import approved_project, ceremony, in_english  # noqa: F401 (fixture)
from tests.factories import partner, province
from tests.projects.workflow_stages import khemisset_convention

READ = ["ceremony_detail", "ceremony_press"]
WRITE_GET = ["ceremony_edit", "ceremony_deliver"]
WRITE_POST = ["ceremony_add_projects"]


@pytest.fixture
def scene(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    project = approved_project(khemisset_convention(), khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd)
    held = ceremony(khemisset_staff)
    [handover, _] = add_projects(held, [project], by=khemisset_staff)["planned"]
    return held, handover


def url(name, held, handover=None):
    if name == "ceremony_remove_handover":
        return reverse(f"disbursements:{name}", args=[held.pk, handover.pk])
    return reverse(f"disbursements:{name}", args=[held.pk])


@pytest.mark.parametrize("name", READ + WRITE_GET)
def test_staff_of_the_province_and_admins_open_every_page(client_for, khemisset_staff, admin_user, scene, name):
    held, _ = scene
    assert client_for(khemisset_staff).get(url(name, held)).status_code == 200
    assert client_for(admin_user).get(url(name, held)).status_code == 200


@pytest.mark.parametrize("name", READ + WRITE_GET + WRITE_POST + ["ceremony_remove_handover"])
def test_staff_of_another_province_gets_404(client_for, rabat_staff, scene, name):
    held, handover = scene
    assert client_for(rabat_staff).post(url(name, held, handover)).status_code == 404
    if name in READ:
        assert client_for(rabat_staff).get(url(name, held)).status_code == 404


@pytest.mark.parametrize("name", READ + WRITE_GET + WRITE_POST + ["ceremony_remove_handover"])
def test_officials_get_403_on_every_ceremony_page(client_for, khemisset_official, scene, name):
    held, handover = scene
    send = (
        client_for(khemisset_official).post
        if name in [*WRITE_POST, "ceremony_remove_handover"]
        else client_for(khemisset_official).get
    )
    assert send(url(name, held, handover)).status_code == 403
    assert client_for(khemisset_official).get(reverse("disbursements:ceremony_list")).status_code == 403


def test_a_coordinator_reads_the_ceremony_but_every_write_is_403(client_for, khemisset_indh, scene):
    held, handover = scene
    client = client_for(khemisset_indh)
    page = client.get(url("ceremony_detail", held)).text
    assert handover.number in page
    assert "Mark all delivered" not in page and "Add approved projects" not in page
    assert client.get(url("ceremony_press", held)).status_code == 200
    assert client.get(reverse("disbursements:ceremony_create")).status_code == 403
    for name in WRITE_GET:
        assert client.get(url(name, held)).status_code == 403
    for name in [*WRITE_GET, *WRITE_POST, "ceremony_remove_handover"]:
        assert client.post(url(name, held, handover)).status_code == 403
    assert Handover.objects.get(pk=handover.pk).status == "planned"


def test_a_coordinator_acting_for_no_partner_sees_no_ceremony(client_for, unscoped_coordinator, scene):
    _held, _ = scene
    assert client_for(unscoped_coordinator).get(reverse("disbursements:ceremony_list")).status_code == 403


@pytest.mark.parametrize("name", [*WRITE_POST, "ceremony_remove_handover"])
def test_mutations_refuse_get(client_for, khemisset_staff, scene, name):
    held, handover = scene
    assert client_for(khemisset_staff).get(url(name, held, handover)).status_code == 405


def test_the_list_shows_the_ceremonies_of_the_scope_only(client_for, khemisset_staff, rabat_staff, scene):
    held, _ = scene
    elsewhere = Ceremony.objects.create(
        province=province("04.421"),
        held_on=held.held_on,
        place="Salle de Rabat",
        presided_by="le Wali",
        created_by=rabat_staff,
    )
    page = client_for(khemisset_staff).get(reverse("disbursements:ceremony_list")).text
    assert held.get_absolute_url() in page
    assert elsewhere.get_absolute_url() not in page and "Salle de Rabat" not in page


def test_staff_create_a_ceremony_in_their_own_province_whatever_is_posted(client_for, khemisset_staff):
    response = client_for(khemisset_staff).post(
        reverse("disbursements:ceremony_create"),
        {
            "province": province("04.421").pk,
            "held_on": "2026-11-20",
            "place": "  Salle de la province ",
            "presided_by": "le Gouverneur de la province de Khémisset",
            "partners_present": [partner("INDH").pk, partner("FM6RD").pk],
            "notes": "",
        },
    )
    made = Ceremony.objects.get()
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert (made.province.code, made.place, made.created_by) == ("04.291", "Salle de la province", khemisset_staff)
    assert set(made.partners_present.values_list("acronym", flat=True)) == {"INDH", "FM6RD"}


def test_an_admin_chooses_the_province(client_for, admin_user):
    client = client_for(admin_user)
    assert 'name="province"' in client.get(reverse("disbursements:ceremony_create")).text
    client.post(
        reverse("disbursements:ceremony_create"),
        {"province": province("04.421").pk, "held_on": "2026-11-20", "place": "Rabat", "presided_by": "le Wali"},
    )
    assert Ceremony.objects.get().province.code == "04.421"


def test_moving_the_ceremony_moves_its_planned_handovers(client_for, khemisset_staff, scene):
    held, handover = scene
    data = {"held_on": "2026-12-30", "place": held.place, "presided_by": held.presided_by}
    response = client_for(khemisset_staff).post(url("ceremony_edit", held), data)
    assert response.status_code == 302
    handover.refresh_from_db()
    assert str(handover.planned_on) == "2026-12-30"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("held_on", "31/02/2026", "Enter a valid date."),
        ("held_on", "", "This field is required."),
        ("place", "", "This field is required."),
        ("place", "Salle\x00", "invisible or control character (U+0000)"),
        ("place", "x" * 201, "at most 200 characters"),
        ("presided_by", "\u202egouverneur", "invisible or control character (U+202E)"),
        ("partners_present", "999999", "Select a valid choice."),
        ("partners_present", "abc", ""),
    ],
)
def test_hostile_ceremony_input_gets_a_message_and_writes_nothing(client_for, khemisset_staff, field, value, message):
    data = {"held_on": "2026-11-20", "place": "Khémisset", "presided_by": "le Gouverneur"} | {field: value}
    response = client_for(khemisset_staff).post(reverse("disbursements:ceremony_create"), data)
    assert response.status_code == 200
    assert "Nothing is saved yet" in response.text
    assert message in response.text
    assert not Ceremony.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"projects": ["abc"]},
        {"projects": ["-1"]},
        {"projects": ["99999999999999999999999"]},
        {"projects": []},
        {"cash_method": "bitcoin"},
    ],
)
def test_hostile_bulk_add_input_gets_a_message_and_writes_nothing(
    client_for, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd, data
):
    project = approved_project(khemisset_convention(), khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd)
    held = ceremony(khemisset_staff)
    data = {"projects": [project.pk]} | data
    response = client_for(khemisset_staff).post(url("ceremony_add_projects", held), data, follow=True)
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.text
    assert not Handover.objects.exists()


def test_a_project_of_another_province_cannot_be_added(
    client_for, khemisset_staff, rabat_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd, admin_user
):
    project = approved_project(khemisset_convention(), khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd)
    rabat = Ceremony.objects.create(
        province=province("04.421"),
        held_on=project.approved_on,
        place="Rabat",
        presided_by="le Wali",
        created_by=admin_user,
    )
    response = client_for(admin_user).post(url("ceremony_add_projects", rabat), {"projects": [project.pk]}, follow=True)
    assert "cannot be added to this ceremony any more" in response.text
    assert not Handover.objects.exists()


def test_a_handover_of_another_ceremony_cannot_be_removed_from_this_one(client_for, khemisset_staff, scene):
    held, handover = scene
    other = ceremony(khemisset_staff, place="Tiflet")
    remove = reverse("disbursements:ceremony_remove_handover", args=[other.pk, handover.pk])
    assert client_for(khemisset_staff).post(remove).status_code == 404
    handover.refresh_from_db()
    assert handover.ceremony == held


def test_a_ceremony_whose_handovers_were_delivered_keeps_its_date(client_for, khemisset_staff, scene):
    held, _ = scene
    held.deliver_all(by=khemisset_staff)
    data = {"held_on": "2026-01-05", "place": "Tiflet", "presided_by": held.presided_by}
    response = client_for(khemisset_staff).post(url("ceremony_edit", held), data)
    assert "its date cannot change any more" in response.text
    held.refresh_from_db()
    assert held.place == "Khémisset"
