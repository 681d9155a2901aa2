"""The money of a convention as its pages show it: per party, contributed, committed (approved lines
of projects that still hold them), delivered and remaining; and the people with an approved project."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from partners.figures import committed_by, convention_figures
from projects.models import FundingLine
from reintegration.lib.money import format_mad
from tests.factories import BeneficiaryFactory, ProjectFactory, consent, fund, partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(convention, decide, khemisset_staff):
    """Projects in every state that matters to the figures, under the Khémisset convention."""
    lead, partner_in_business = consent(BeneficiaryFactory()), consent(BeneficiaryFactory())
    decide(
        convention, {"INDH": ("20000", "approve"), "FM6RD": ("8000", "approve")}, lead=lead, co=[partner_in_business]
    )
    decide(convention, {"INDH": ("4000", "approve")}, lead=lead)  # the same person's second project
    decide(convention, {"INDH": ("5000", "approve"), "FM6RD": ("3000", "wait")})  # studied, one line approved
    decide(convention, {"INDH": ("7000", "approve"), "FM6RD": ("1000", "reject")})  # rejected
    withdrawn = ProjectFactory(total_cost=Decimal("9000"), created_by=khemisset_staff)
    line = fund(withdrawn, convention, "INDH", "9000")
    line.decide(FundingLine.Decision.APPROVED, by=khemisset_staff, reason="")  # approved, then withdrawn
    withdrawn.withdraw(by=khemisset_staff, reason="Le bénéficiaire a trouvé un emploi")
    return convention


def test_committed_counts_approved_lines_of_projects_that_still_hold_them(funded):
    [figures] = convention_figures([funded])
    parties = {party.contribution.partner.acronym: party for party in figures.parties}
    # INDH: 20,000 + 4,000 (approved projects) + 5,000 (studied, its line approved); not the
    # rejected project's 7,000 nor the withdrawn one's 9,000.
    assert parties["INDH"].committed == Decimal("29000")
    assert parties["FM6RD"].committed == Decimal("8000")  # the waiting 3,000 and the rejected 1,000 commit nothing
    assert parties["ANAPEC"].committed == Decimal("0")
    assert committed_by(funded, partner("INDH")) == Decimal("29000")


def test_remaining_is_each_contribution_less_what_it_committed(funded):
    [figures] = convention_figures([funded])
    remaining = {party.contribution.partner.acronym: party.remaining for party in figures.parties}
    assert remaining == {"INDH": Decimal("1171000"), "FM6RD": Decimal("992000"), "ANAPEC": Decimal("0")}
    assert figures.committed == Decimal("37000")
    assert figures.remaining == Decimal("2163000")  # the envelope less everything committed
    assert figures.uncommitted == Decimal("2163000")  # the parties contribute the whole envelope
    assert figures.delivered == Decimal("0")  # until the disbursements app


def test_the_people_with_an_approved_project_are_counted_once(funded):
    [figures] = convention_figures([funded])
    # The lead of two approved projects and their co-beneficiary; not the studied or rejected projects' leads.
    assert figures.beneficiaries_funded == 2
    assert figures.target_percent == 2  # 2 of 80, rounded


def row_of(page: str, acronym: str) -> str:
    rows = re.findall(r"<tr>.*?</tr>", page, flags=re.S)
    return next(row for row in rows if f'<span class="fw-semibold">{acronym}</span>' in row)


def amounts_in(row: str) -> list[str]:
    return re.findall(r'<td class="text-end text-nowrap">(.*?)</td>', row)


def test_the_convention_page_shows_each_partys_figures(in_english, khemisset_official, funded):
    page = in_english(khemisset_official).get(funded.get_absolute_url()).content.decode()
    mad = lambda amount: format_mad(Decimal(amount), "en")  # noqa: E731
    # Contribution, committed, delivered, remaining.
    assert amounts_in(row_of(page, "INDH")) == [mad("1200000"), mad("29000"), mad("0"), mad("1171000")]
    assert amounts_in(row_of(page, "FM6RD")) == [mad("1000000"), mad("8000"), mad("0"), mad("992000")]
    anapec = row_of(page, "ANAPEC")
    assert "Technical and financial study, coaching and follow-up" in anapec
    assert "2 beneficiaries have an approved project, for a target of 80." in page


def test_the_partners_name_is_in_the_pages_language(client_for, khemisset_official, funded):
    client = client_for(khemisset_official)
    client.cookies["idmaj_language"] = "ar"
    arabic = client.get(funded.get_absolute_url()).content.decode()
    client.cookies["idmaj_language"] = "fr"
    french = client.get(funded.get_absolute_url()).content.decode()
    name_ar, name_fr = escape(partner("ANAPEC").name_ar), escape(partner("ANAPEC").name_fr)
    assert name_ar in row_of(arabic, "ANAPEC") and name_fr not in row_of(arabic, "ANAPEC")
    assert name_fr in row_of(french, "ANAPEC") and name_ar not in row_of(french, "ANAPEC")


def test_the_list_shows_committed_and_remaining_per_convention(in_english, khemisset_staff, funded):
    page = in_english(khemisset_staff).get(reverse("partners:convention_list")).content.decode()
    row = row_of_list(page, funded.reference)
    assert format_mad(Decimal("37000"), "en") in row
    assert format_mad(Decimal("2163000"), "en") in row
    assert re.search(r'<progress [^>]*max="80" value="2"', row)


def row_of_list(page: str, reference: str) -> str:
    rows = re.findall(r"<tr>.*?</tr>", page, flags=re.S)
    return next(row for row in rows if reference in row)
