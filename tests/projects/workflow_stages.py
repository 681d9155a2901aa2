"""Projects brought to a stage of the workflow through its own transitions, for the action tests.

A "two-line" project: 30,000 MAD, 2,000 of it the person's own, 20,000 asked from INDH in
equipment and 8,000 from FM6RD in cash, studied by ANAPEC, drafted by Khémisset's staff.
"""

from decimal import Decimal

from tests.factories import ConventionFactory, ProjectFactory, contribute, fund


def khemisset_convention(reference="KHE-2020-FM6RD-CPDH", *, indh="1200000", fm6rd="1000000"):
    convention = ConventionFactory(reference=reference)
    contribute(convention, "INDH", indh)
    contribute(convention, "FM6RD", fm6rd)
    contribute(convention, "ANAPEC", "0", in_kind="technical and financial study, coaching and follow-up")
    return convention


def draft(convention, staff, *, indh="20000", fm6rd="8000", own="2000", **fields):
    """A draft funded by INDH (and by FM6RD unless `fm6rd` is None), complete and consented."""
    amounts = [Decimal(amount) for amount in (indh, fm6rd, own) if amount is not None]
    project = ProjectFactory(total_cost=sum(amounts), own_contribution=Decimal(own), created_by=staff, **fields)
    fund(project, convention, "INDH", indh)
    if fm6rd is not None:
        fund(project, convention, "FM6RD", fm6rd, kind="cash")
    return project


def submitted(convention, staff, **kwargs):
    project = draft(convention, staff, **kwargs)
    project.submit(by=staff)
    return project


def studied(convention, staff, anapec, **kwargs):
    project = submitted(convention, staff, **kwargs)
    project.record_study(
        by=anapec, feasible=True, expected_monthly_revenue=Decimal("4000"), recommended_amount=Decimal("28000")
    )
    return project


def approved(convention, staff, anapec, indh_coordinator, fm6rd_coordinator, **kwargs):
    project = studied(convention, staff, anapec, **kwargs)
    for line in project.lines.select_related("partner"):
        project.approve_line(line, by=indh_coordinator if line.partner.acronym == "INDH" else fm6rd_coordinator)
    return project


def line_of(project, acronym):
    return project.lines.get(partner__acronym=acronym)
