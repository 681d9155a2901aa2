"""The bench's project seed writes what the transitions would have: the money invariants hold on it.

PostgreSQL only: the seed empties its tables with TRUNCATE, past the append-only triggers.
"""

import pytest
from django.db import connection

from bench import project_seed, seed
from partners.models import Contribution, Convention
from projects.models import FundingLine, MicroProject, ProjectEvent

Status = MicroProject.Status
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the seed truncates as PostgreSQL does"),
]


@pytest.fixture
def seeded():
    users = seed.bench_users()
    seed.seed(1500, created_by=users["national"])
    project_seed.seed(1200, users)
    return users


def test_no_contribution_is_exceeded_and_no_envelope_overspent(seeded):
    for contribution in Contribution.objects.all():
        assert FundingLine.objects.committed(contribution.convention_id, contribution.partner_id) <= contribution.amount
    for convention in Convention.objects.all():
        assert convention.contributed() <= convention.envelope


def test_every_line_is_funded_by_a_convention_covering_its_project(seeded):
    for line in FundingLine.objects.select_related("convention", "project__province"):
        assert line.coverage_problems(line.project.province) == []


def test_each_status_has_the_decisions_its_transitions_make(seeded):
    assert set(MicroProject.objects.values_list("status", flat=True)) == set(Status)
    approved_or_later = [Status.APPROVED, Status.IN_HANDOVER, Status.FUNDED, Status.OPERATING, Status.CLOSED]
    pending = FundingLine.Decision.PENDING
    assert not MicroProject.objects.filter(status__in=approved_or_later).exclude(lines__decision="approved").exists()
    assert not MicroProject.objects.filter(status=Status.STUDIED).exclude(lines__decision=pending).exists()
    early = [Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN]
    assert not FundingLine.objects.filter(project__status__in=early).exclude(decision=pending).exists()
    assert not MicroProject.objects.filter(status=Status.CLOSED, outcome="").exists()


def test_each_project_s_last_event_leads_to_its_status(seeded):
    for project in MicroProject.objects.exclude(status=Status.DRAFT).prefetch_related("events"):
        events = sorted(project.events.all(), key=lambda event: (event.at, event.pk))
        assert events[-1].to_status == project.status, project.pk
    assert not ProjectEvent.objects.filter(project__status=Status.DRAFT).exists()
