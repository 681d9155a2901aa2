"""What a careless or hostile user types or sends, found by trying it: each is refused with a message
and writes nothing (or is shown harmlessly)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import FollowUpVisit, MicroProject
from tests.factories import BeneficiaryFactory, consent
from tests.projects.scenes import approved, khemisset_convention
from tests.projects.test_drafting import draft_data, line

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client_for):
    def login(user):
        client = client_for(user)
        client.cookies["idmaj_language"] = "en"
        return client

    return login


@pytest.fixture
def approved_today(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    return approved(khemisset_convention(), khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd)


def visit_data(**fields):
    today = timezone.localdate()
    return {
        "visited_on": today.isoformat(),
        "business_status": "operating",
        "equipment_in_use": "yes",
        "monthly_revenue": "3000",
        "jobs": "2",
        "notes": "",
        "next_visit_due": (today + timedelta(days=90)).isoformat(),
    } | fields


def post_visit(client, project, **fields):
    return client.post(reverse("projects:record_visit", args=[project.pk]), visit_data(**fields))


def visit_errors(response) -> dict:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


# --- follow-up visits: dates ---------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "2019-06-01"])
def test_a_visit_dated_before_the_approval_is_refused(english, khemisset_staff, approved_today, day):
    response = post_visit(english(khemisset_staff), approved_today, visited_on=day, next_visit_due="")
    assert response.status_code == 200
    approval = approved_today.approved_on.strftime("%d/%m/%Y")
    assert visit_errors(response) == {
        "visited_on": [f"The project was approved on {approval}: a follow-up visit comes after it."]
    }
    assert not FollowUpVisit.objects.exists()


def test_a_visit_dated_before_the_last_one_is_refused(english, khemisset_staff, approved_today):
    client = english(khemisset_staff)
    today = timezone.localdate()
    MicroProject.objects.filter(pk=approved_today.pk).update(approved_on=today - timedelta(days=200))
    assert post_visit(client, approved_today, visited_on=(today - timedelta(days=10)).isoformat()).status_code == 302
    response = post_visit(client, approved_today, visited_on=(today - timedelta(days=100)).isoformat())
    last = (today - timedelta(days=10)).strftime("%d/%m/%Y")
    assert visit_errors(response) == {
        "visited_on": [f"The last visit recorded was on {last}: a visit recorded now comes after it."]
    }
    assert FollowUpVisit.objects.count() == 1
    assert MicroProject.objects.get(pk=approved_today.pk).next_visit_due == today + timedelta(days=90)


@pytest.mark.parametrize("day", ["9999-12-31", "2999-01-01"])
def test_a_next_visit_years_away_is_refused_as_a_typo(english, khemisset_staff, approved_today, day):
    response = post_visit(english(khemisset_staff), approved_today, next_visit_due=day)
    assert visit_errors(response) == {
        "next_visit_due": ["The next visit falls due within two years of this one: check the year."]
    }
    assert not FollowUpVisit.objects.exists()
    assert MicroProject.objects.get(pk=approved_today.pk).next_visit_due == approved_today.next_visit_due


def test_a_visit_posted_twice_by_a_double_click_is_recorded_once(english, khemisset_staff, approved_today):
    client = english(khemisset_staff)
    assert post_visit(client, approved_today).status_code == 302
    response = post_visit(client, approved_today)
    assert visit_errors(response) == {"__all__": ["This visit is already recorded."]}
    assert FollowUpVisit.objects.count() == 1


# --- drafting ------------------------------------------------------------------------------------


def test_a_draft_posted_twice_by_a_double_click_is_saved_once(english, khemisset_staff):
    convention = khemisset_convention()
    lead = consent(BeneficiaryFactory())
    client = english(khemisset_staff)
    data = draft_data(line(convention, "INDH", "28000"))
    url = f"{reverse('projects:create')}?lead={lead.pk}"
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [
        "This person already has a draft with this title: open it from their record instead of drafting it again."
    ]
    assert MicroProject.objects.count() == 1
