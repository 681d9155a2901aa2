"""Giving people a project submitted to a partner: what makes that partner's coordinators need to
know them (DESIGN.md §2). Built through the model, as a member of staff would: consents, a funding
plan that adds up, then `submit`, which also moves the people to "project in preparation"."""

from decimal import Decimal

from accounts.models import User
from beneficiaries.models import Consent
from tests.factories import ConventionFactory, ProjectFactory, UserFactory, consent, contribute, fund, partner


def programme_admin():
    """A national administrator who submits the projects these helpers build (any province)."""
    return UserFactory(username="programme.admin", role=User.Role.ADMIN, province=None, national=True)


def national_convention(*funders: str):
    """A national convention (it covers every province) to which each funder contributes."""
    convention = ConventionFactory(scope="national", province=None, envelope=Decimal("5000000"))
    for acronym in funders:
        contribute(convention, acronym, "1000000")
    return convention


def consenting(person):
    """The person with the two consents a submission needs, adding only those missing."""
    needed = (Consent.Purpose.PROGRAMME, Consent.Purpose.PARTNERS)
    missing = [purpose for purpose in needed if not person.has_valid_consent(purpose)]
    return consent(person, *missing) if missing else person


def submitted_project(lead, *co_beneficiaries, funder="INDH", studied_by="ANAPEC", convention=None, by=None, **fields):
    """A project of `lead` (and co-beneficiaries), funded by one line of `funder` under `convention`
    (default: a national one), studied by `studied_by`, submitted by `by` (default: an admin)."""
    submitter = by or programme_admin()
    project = ProjectFactory(
        lead=consenting(lead),
        technical_partner=partner(studied_by),
        created_by=submitter,
        **fields,
    )
    for person in co_beneficiaries:
        project.co_beneficiaries.add(consenting(person))
    fund(project, convention or national_convention(funder), funder, project.total_cost - project.own_contribution)
    project.submit(by=submitter)
    return project
