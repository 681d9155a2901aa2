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
