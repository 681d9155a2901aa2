"""The action buttons of a project page: each role sees the ones it may use, and is told why one it
might expect is missing."""

from html import unescape

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from projects.permissions import available_actions
from tests.factories import partner
from tests.projects.workflow_stages import approved, draft, khemisset_convention, line_of, studied, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention():
    return khemisset_convention()


def buttons(user, project) -> str:
    """The include as the detail page renders it, in English, for `user` (entities unescaped)."""
    request = RequestFactory().get(project.get_absolute_url())
    request.user = user
    lines = project.lines.select_related("partner", "convention")
    context = {"project": project, "lines": lines, "actions": available_actions(user, project)}
    with translation.override("en"):
        return unescape(render_to_string("projects/detail_actions.html", context, request=request))


def action(name, project, *args):
    return reverse(f"projects:{name}", args=[project.pk, *args])


def test_staff_see_submit_and_withdraw_on_a_draft(convention, khemisset_staff):
    project = draft(convention, khemisset_staff)
    html = buttons(khemisset_staff, project)
    assert f'action="{action("submit", project)}"' in html
    assert f'action="{action("withdraw", project)}"' in html
    assert "Before it can be submitted" not in html  # the plan is complete and consented


def test_staff_see_what_keeps_a_draft_from_being_submitted(convention, khemisset_staff):
    project = draft(convention, khemisset_staff, own="0")  # lines of 28,000 for a cost raised to 35,000
    project.total_cost = 35000
    project.save()
    html = buttons(khemisset_staff, project)
    assert "Before it can be submitted" in html
    assert "not the total cost of 35,000.00" in html


def test_anapec_gets_the_study_link_and_staff_are_told_who_studies(convention, khemisset_staff, rsk_coordinator):
    project = submitted(convention, khemisset_staff)
    assert f'href="{action("record_study", project)}"' in buttons(rsk_coordinator, project)
    staff_html = buttons(khemisset_staff, project)
    assert "record_study" not in staff_html and "/study/" not in staff_html
    assert "Waiting for the study by ANAPEC." in staff_html


def test_a_funders_coordinator_decides_only_on_its_own_partners_line(
    convention, khemisset_staff, rsk_coordinator, khemisset_indh
):
    project = studied(convention, khemisset_staff, rsk_coordinator)
    indh, fm6rd = line_of(project, "INDH"), line_of(project, "FM6RD")
    html = buttons(khemisset_indh, project)
    assert f'action="{action("approve_line", project, indh.pk)}"' in html
    assert f'action="{action("reject_line", project, indh.pk)}"' in html
    assert f"/lines/{fm6rd.pk}/" not in html
    assert "Left today: 1,200,000.00\u00a0MAD." in html
    assert html.count('data-role="line-decision"') == 1


def test_the_submitter_is_told_someone_else_decides_on_the_funding(convention, khemisset_staff, rsk_coordinator):
    project = studied(convention, khemisset_staff, rsk_coordinator)
    khemisset_staff.role, khemisset_staff.partner = "coordinator", partner("INDH")
    khemisset_staff.save()
    html = buttons(khemisset_staff, project)
    assert "You submitted this project: someone else must decide on its funding." in html
    assert "/approve/" not in html


def test_once_its_line_is_decided_a_coordinator_sees_no_decision_buttons(
    convention, khemisset_staff, rsk_coordinator, khemisset_indh
):
    project = studied(convention, khemisset_staff, rsk_coordinator)
    project.approve_line(line_of(project, "INDH"), by=khemisset_indh)
    html = buttons(khemisset_indh, project)
    assert "/approve/" not in html
    assert "Waiting for each funding partner's decision on its line." in html


def test_an_approved_project_offers_a_visit_to_its_coordinators_and_staff(
    convention, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd
):
    project = approved(convention, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd)
    for user in (khemisset_staff, rsk_coordinator, khemisset_indh):
        html = buttons(user, project)
        assert f'href="{action("record_visit", project)}"' in html
        assert f'action="{action("close", project)}"' not in html  # closing comes after the handover


def test_staff_may_revise_a_rejected_project_and_coordinators_are_told_so(
    convention, khemisset_staff, rsk_coordinator, khemisset_indh
):
    project = studied(convention, khemisset_staff, rsk_coordinator)
    project.reject_line(line_of(project, "INDH"), by=khemisset_indh, reason="Hors cible")
    assert f'action="{action("reopen", project)}"' in buttons(khemisset_staff, project)
    indh_html = buttons(khemisset_indh, project)
    assert "/reopen/" not in indh_html
    assert "The project is rejected: the provincial staff may revise it and submit it again." in indh_html
