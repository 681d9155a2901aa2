"""Ceremonies for the ceremony tests: held today (the projects are approved today, and a delivery
can neither predate its approval nor be recorded before it happens), in Khémisset."""

from decimal import Decimal

import pytest
from django.utils import timezone

from disbursements.models import Ceremony
from tests.factories import BeneficiaryFactory, consent, province
from tests.projects.workflow_stages import draft

GOVERNOR = "le Gouverneur de la province de Khémisset"


def ceremony(staff, *, held_on=None, place="Khémisset", presided_by=GOVERNOR, **fields):
    return Ceremony.objects.create(
        province=province("04.291"),
        held_on=held_on or timezone.localdate(),
        place=place,
        presided_by=presided_by,
        created_by=staff,
        **fields,
    )


def approved_project(
    convention, staff, anapec, indh_coordinator, fm6rd_coordinator, *, co_beneficiaries=(), lead_sex="M", **kwargs
):
    """A project approved through the transitions; its lead of `lead_sex`, with co-beneficiaries."""
    lead = consent(BeneficiaryFactory(sex=lead_sex))
    project = draft(convention, staff, lead=lead, **kwargs)
    project.co_beneficiaries.add(*[consent(person) for person in co_beneficiaries])
    project.submit(by=staff)
    project.record_study(
        by=anapec,
        feasible=True,
        expected_monthly_revenue=Decimal("4000"),
        recommended_amount=project.funded_by_partners,
    )
    for line in project.lines.select_related("partner"):
        project.approve_line(line, by=indh_coordinator if line.partner.acronym == "INDH" else fm6rd_coordinator)
    return project


@pytest.fixture(autouse=True)
def in_english(client):
    """The pages read in English (the catalogs translate the interface; these tests read the words)."""
    client.cookies["idmaj_language"] = "en"
