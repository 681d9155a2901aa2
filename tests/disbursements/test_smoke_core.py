from datetime import date
from decimal import Decimal

from disbursements.models import LedgerEntry
from projects.models import MicroProject
from tests.disbursements.stages import approved_project, plan_cash, plan_equipment


def test_a_full_delivery_funds_the_project(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    project = approved_project(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd)
    equipment = plan_equipment(project, khemisset_staff)
    cash = plan_cash(project, khemisset_staff)
    assert equipment.number == "KHE-2026-0001" and cash.number == "KHE-2026-0002"
    equipment.deliver(by=khemisset_staff, on=date.today())
    project.refresh_from_db()
    assert project.status == MicroProject.Status.IN_HANDOVER
    cash.deliver(by=khemisset_staff, on=date.today())
    project.refresh_from_db()
    assert project.status == MicroProject.Status.FUNDED
    assert LedgerEntry.objects.total() == Decimal("28000")
    cash.reverse(by=khemisset_staff, reason="wrong person")
    project.refresh_from_db()
    assert project.status == MicroProject.Status.IN_HANDOVER
    assert LedgerEntry.objects.total() == Decimal("20000")
