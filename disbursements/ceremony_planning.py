"""Several approved projects added to a ceremony at once: all of them, or none.

Each selected project's handovers already planned outside a ceremony are attached to this one
(not planned twice), then each approved line with an amount still left gets a new planned
handover for the ceremony's day: cash with the amount left, equipment with one item pre-filled
from the project (the item's details are corrected on the handover's page). Everything goes
through Handover.plan and change_plan, which lock, check the money and number the handovers.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from disbursements.figures import lines_with_left
from disbursements.models import Handover, HandoverItem
from projects.models import FundingLine, MicroProject

DESIGNATION_LENGTH = HandoverItem._meta.get_field("designation").max_length

# The item category a project's sector most likely hands over (anything else is "other").
CATEGORY_OF_SECTOR = {
    MicroProject.Sector.LIVESTOCK: HandoverItem.Category.LIVESTOCK,
    MicroProject.Sector.TRANSPORT: HandoverItem.Category.VEHICLE,
    MicroProject.Sector.DIGITAL: HandoverItem.Category.COMPUTING,
    MicroProject.Sector.TRADE: HandoverItem.Category.STOCK,
    MicroProject.Sector.CRAFTS: HandoverItem.Category.TOOLS,
    MicroProject.Sector.REPAIR: HandoverItem.Category.TOOLS,
    MicroProject.Sector.BUILDING: HandoverItem.Category.TOOLS,
    MicroProject.Sector.FOOD_PROCESSING: HandoverItem.Category.MACHINERY,
}


def first_item(project, value) -> HandoverItem:
    """One item worth the whole `value`, named after the project's activity (or its title)."""
    designation = (project.activity.strip().splitlines() or [project.title])[0].strip() or project.title
    return HandoverItem(
        designation=designation[:DESIGNATION_LENGTH],
        category=CATEGORY_OF_SECTOR.get(project.sector, HandoverItem.Category.OTHER),
        quantity=1,
        unit_price=value,
    )


def _named(project, error: ValidationError) -> list[str]:
    return [_("%(title)s: %(problem)s") % {"title": project.title, "problem": message} for message in error.messages]


def attach_unattached(ceremony, project, *, by) -> list:
    """The project's handovers planned outside any ceremony, moved to this one and its day."""
    attached = []
    for handover in project.handovers.filter(status=Handover.Status.PLANNED, ceremony__isnull=True).order_by("pk"):
        handover.change_plan(
            by=by,
            planned_on=ceremony.held_on,
            items=list(handover.items.all()),
            amount=handover.amount if handover.is_cash else None,
            ceremony=ceremony,
            cash_method=handover.cash_method,
            cash_reference=handover.cash_reference,
            notes=handover.notes,
        )
        attached.append(handover)
    return attached


def plan_what_is_left(ceremony, project, *, by, cash_method) -> list:
    """A planned handover for each of the project's approved lines with an amount left."""
    planned = []
    for line in lines_with_left().filter(project=project, left__gt=0).order_by("pk"):
        left = line.left
        if line.kind == FundingLine.Kind.CASH:
            handover = Handover.plan(
                line, by=by, planned_on=ceremony.held_on, amount=left, ceremony=ceremony, cash_method=cash_method
            )
        else:
            handover = Handover.plan(
                line, by=by, planned_on=ceremony.held_on, items=[first_item(project, left)], ceremony=ceremony
            )
        planned.append(handover)
    return planned


def add_projects(ceremony, projects, *, by, cash_method=Handover.CashMethod.TRANSFER) -> dict:
    """`projects` added to `ceremony` in one transaction. Returns {"attached": [...], "planned": [...]};
    when any of them cannot be, raises a ValidationError listing every reason, and nothing changed."""
    attached, planned, problems = [], [], []
    with transaction.atomic():
        for project in sorted(projects, key=lambda project: project.pk):
            # Each project in a savepoint of its own, so that one refusal does not hide the next ones;
            # any refusal rolls everything back at the end.
            try:
                with transaction.atomic():
                    attached += attach_unattached(ceremony, project, by=by)
                    planned += plan_what_is_left(ceremony, project, by=by, cash_method=cash_method)
            except ValidationError as error:
                problems += _named(project, error)
        if problems:
            raise ValidationError(problems, code="not_added")
    return {"attached": attached, "planned": planned}


def remove_handover(ceremony, handover, *, by) -> None:
    """A planned handover taken out of the ceremony (it stays planned, for its day, without one)."""
    if handover.ceremony_id != ceremony.pk:
        raise ValidationError(_("This handover is not part of this ceremony."), code="not_in_ceremony")
    handover.change_plan(
        by=by,
        planned_on=handover.planned_on,
        items=list(handover.items.all()),
        amount=handover.amount if handover.is_cash else None,
        ceremony=None,
        cash_method=handover.cash_method,
        cash_reference=handover.cash_reference,
        notes=handover.notes,
    )
