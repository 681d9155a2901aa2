"""Handovers brought to a stage through their own transitions, for the disbursements tests.

The projects are the projects tests' "two-line" ones (tests/projects/workflow_stages.py): 20,000 MAD
of equipment from INDH and 8,000 MAD in cash from FM6RD, approved in Khémisset.
"""

from datetime import date
from decimal import Decimal

from disbursements.models import Handover, HandoverItem
from tests.projects.workflow_stages import approved, khemisset_convention, line_of

PLANNED_ON = date(2026, 6, 1)


def sewing_machines(quantity=2, unit_price="10000", **fields):
    return HandoverItem(
        designation="Industrial sewing machine",
        category=HandoverItem.Category.MACHINERY,
        quantity=quantity,
        unit_price=Decimal(unit_price),
        **fields,
    )


def approved_project(staff, anapec, indh, fm6rd, convention=None, **kwargs):
    return approved(convention or khemisset_convention(), staff, anapec, indh, fm6rd, **kwargs)


def plan_equipment(project, staff, items=None, **fields):
    items = items if items is not None else [sewing_machines()]
    return Handover.plan(
        line_of(project, "INDH"), by=staff, planned_on=fields.pop("planned_on", PLANNED_ON), items=items, **fields
    )


def plan_cash(project, staff, amount="8000", **fields):
    return Handover.plan(
        line_of(project, "FM6RD"),
        by=staff,
        planned_on=fields.pop("planned_on", PLANNED_ON),
        amount=Decimal(amount),
        cash_method=fields.pop("cash_method", Handover.CashMethod.TRANSFER),
        **fields,
    )


def approve_draft(project, staff, anapec, indh, fm6rd):
    """A draft (of tests.projects.workflow_stages.draft) taken to approval: submitted, studied,
    every line approved by its partner's coordinator. Add co-beneficiaries to the draft first."""
    project.submit(by=staff)
    project.record_study(
        by=anapec, feasible=True, expected_monthly_revenue=Decimal("4000"), recommended_amount=Decimal("28000")
    )
    for line in project.lines.select_related("partner"):
        project.approve_line(line, by=indh if line.partner.acronym == "INDH" else fm6rd)
    return project


def one_line_project(staff, anapec, indh, fm6rd, amount="10000", convention=None):
    """An approved project with a single INDH equipment line of `amount`: one delivery funds it."""
    return approved(convention or khemisset_convention(), staff, anapec, indh, fm6rd, indh=amount, fm6rd=None, own="0")


def approved_back_on(project, day):
    """The project approved on `day` (so that a delivery may be dated back to then): the approval
    itself is today's in the workflow."""
    type(project).objects.filter(pk=project.pk).update(approved_on=day)
    project.refresh_from_db()
    return project


def item(designation, quantity=1, unit_price="1000", category=HandoverItem.Category.TOOLS):
    return HandoverItem(designation=designation, category=category, quantity=quantity, unit_price=Decimal(unit_price))
