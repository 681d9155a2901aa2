"""The governor's ceremony of the Khémisset story (DESIGN.md §1), through the model methods.

- The 11 projects of projects.demo.ceremony_projects() (322,650 MAD of INDH equipment) planned for a
  ceremony presided by the governor in Khémisset, and delivered together at its end.
- The 51 other approved projects of the 2020 convention: handovers planned "in the coming days",
  for a second ceremony two weeks ahead.

Dates: the demo's transitions approve those projects today, and a delivery can neither predate its
project's approval nor be recorded before it happens, so the governor's ceremony is held on the day
the demo is loaded (rather than backdating approvals the project's history dates today).

Idempotent: each ceremony is found by its province and its notes; a project with nothing left to
plan is not added again, and a ceremony with nothing planned is not delivered again.
"""

from datetime import timedelta

from django.utils import timezone

from disbursements import ceremony_planning
from disbursements.models import Ceremony, Handover
from projects.demo import ceremony_projects
from projects.demo_cast import Cast
from projects.models import MicroProject

GOVERNOR = "le Gouverneur de la province de Khémisset"
PLACE = "Khémisset, siège de la province"
HELD_NOTES = "Cérémonie de remise du matériel aux porteurs de projets de la convention 2020 (FM6RD – CPDH)."
UPCOMING_NOTES = "Remise prévue dans les prochains jours aux autres porteurs de projets approuvés (convention 2020)."
UPCOMING_IN_DAYS = 14


def load(stdout=None) -> None:
    cast = Cast.find()
    today = timezone.localdate()
    held = ceremony(cast, HELD_NOTES, today)
    planned = plan(held, ceremony_projects(), cast)
    delivered = deliver(held, cast)
    waiting = (
        MicroProject.objects.filter(lines__convention=cast.current, status=MicroProject.Status.APPROVED)
        .exclude(pk__in=ceremony_projects().values("pk"))
        .distinct()
    )
    upcoming = ceremony(cast, UPCOMING_NOTES, today + timedelta(days=UPCOMING_IN_DAYS))
    planned += plan(upcoming, waiting, cast)
    if stdout is not None:
        stdout.write(f"Demo ceremonies: {planned} handovers planned, {delivered} delivered")


def ceremony(cast: Cast, notes: str, held_on) -> Ceremony:
    found = Ceremony.objects.filter(province=cast.province, notes=notes).first()
    if found is not None:
        return found
    made = Ceremony(
        province=cast.province, held_on=held_on, place=PLACE, presided_by=GOVERNOR, notes=notes, created_by=cast.staff
    )
    made._history_user = cast.staff
    made.save()
    made.partners_present.set([cast.partners[acronym] for acronym in ("INDH", "FM6RD", "ANAPEC")])
    return made


def plan(ceremony: Ceremony, projects, cast: Cast) -> int:
    """The projects with something left to plan (none when the demo runs again) added to the ceremony."""
    open_projects = [
        project for project in projects if not project.handovers.exclude(status=Handover.Status.CANCELLED).exists()
    ]
    if not open_projects:
        return 0
    added = ceremony_planning.add_projects(ceremony, open_projects, by=cast.staff)
    return len(added["planned"]) + len(added["attached"])


def deliver(ceremony: Ceremony, cast: Cast) -> int:
    if not ceremony.handovers.filter(status=Handover.Status.PLANNED).exists():
        return 0
    return len(ceremony.deliver_all(by=cast.staff))
