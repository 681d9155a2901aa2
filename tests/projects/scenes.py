"""Projects at the states the browsing and drafting tests need, moved there by the model's transitions."""

from decimal import Decimal

from tests.factories import ConventionFactory, ProjectFactory, contribute, fund


def khemisset_convention(reference="KHE-2020-FM6RD-CPDH"):
    """The 2020 convention of Khémisset: INDH and the Foundation fund, ANAPEC studies."""
    convention = ConventionFactory(reference=reference)
    contribute(convention, "INDH", "1200000")
    contribute(convention, "FM6RD", "1000000")
    contribute(convention, "ANAPEC", "0", in_kind="technical and financial study, coaching and follow-up")
    return convention


def drafted(convention, by, **fields):
    """A complete draft: 30,000 MAD, 2,000 of it the person's own, INDH 20,000 in equipment, FM6RD 8,000 in cash."""
    project = ProjectFactory(total_cost=Decimal("30000"), own_contribution=Decimal("2000"), created_by=by, **fields)
    fund(project, convention, "INDH", "20000")
    fund(project, convention, "FM6RD", "8000", kind="cash")
    return project


def submitted(convention, by, **fields):
    project = drafted(convention, by, **fields)
    project.submit(by=by)
    return project


def studied(convention, by, studier, **fields):
    project = submitted(convention, by, **fields)
    project.record_study(
        by=studier,
        feasible=True,
        expected_monthly_revenue=Decimal("4000"),
        recommended_amount=Decimal("28000"),
        notes="Local market with room for a second workshop.",
    )
    return project


def approved(convention, by, studier, indh, fm6rd, **fields):
    project = studied(convention, by, studier, **fields)
    project.approve_line(project.lines.get(partner__acronym="INDH"), by=indh, comment="In line with the convention.")
    project.approve_line(project.lines.get(partner__acronym="FM6RD"), by=fm6rd)
    return project
