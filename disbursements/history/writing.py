"""The commit of a history import: every new project of a checked plan, in one transaction.

Each project is written as funded: its lines approved, one delivered handover per line (numbered
from the province's gap-free sequence of the delivery's year) with its ledger entry, the
ceremony it was handed over at, an event saying where it came from, and its people funded.
The handovers are written here rather than through Handover.plan and deliver_together: those
check that the delivery happens today or later than the approval in Idmaj, which a past project
never had. The same invariants hold, checked under the same locks: each contribution's approved
lines within its amount (the Contribution rows locked, as approve_line locks them), each line
delivered once and not beyond its amount.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from beneficiaries.importing.checking import NEW
from beneficiaries.importing.writing import ImportRefused, new_beneficiary
from beneficiaries.models import Beneficiary
from disbursements.models import Ceremony, Handover, HandoverItem, HandoverSequence, LedgerEntry
from partners.models import Contribution
from projects.models import FundingLine, MicroProject, ProjectEvent
from projects.models.workflow import FOLLOW_UP_MONTHS, add_months
from territory.models import Province

ZERO = Decimal("0")


class SpendingChanged(ImportRefused):
    """A contribution has less left than when the file was checked (someone approved a line meanwhile)."""


def write_history(plan, *, by, source: str, skip_invalid=False) -> dict:
    """All of the plan's new projects, or nothing. `source` is the file's name, quoted in each
    project's trail ("imported from <source>, row N"). Returns the counts, with the projects written."""
    if plan.counts["invalid"] and not skip_invalid:
        raise ImportRefused
    groups = plan.projects_in(NEW)
    today, now = timezone.localdate(), timezone.now()
    created = []
    with transaction.atomic():
        # The province first, as the beneficiary commit: two commits of one file wait for each other.
        Province.objects.select_for_update().get(pk=plan.province.pk)
        check_contributions(groups)
        people = register_people(groups, plan.province, by, now)
        ceremonies = CeremonyBook(plan.province, by)
        for group in groups:
            created.append(write_project(group, people, ceremonies, plan.province, by, source, today, now))
    return {**plan.counts, "projects": [project.pk for project in created]}


def check_contributions(groups) -> None:
    """Lock the contributions the file draws on, then check again what each has left."""
    taken = defaultdict(lambda: ZERO)
    for group in groups:
        for row in group.rows:
            taken[row.values["convention"].pk, row.values["partner"].pk] += row.values["amount"]
    if not taken:
        return
    conventions = {convention for convention, _ in taken}
    locked = Contribution.objects.select_for_update().filter(convention__in=conventions).order_by("pk")
    contributions = {(c.convention_id, c.partner_id): c for c in locked}
    for pair, amount in taken.items():
        if pair not in contributions or FundingLine.objects.left_in(contributions[pair]) < amount:
            raise SpendingChanged(pair)


def register_people(groups, province, by, now) -> dict:
    """CIN → the person, registered now when the file registers them (as the beneficiary import does)."""
    people = {}
    for group in groups:
        if group.person is not None:
            people[group.person.cin] = group.person
        elif group.new_person is not None and group.new_person.values["cin"] not in people:
            person = new_beneficiary(group.new_person, province, by, now)
            person._history_user = by
            person._change_reason = "history import"
            person.save()
            people[person.cin] = person
    return people


class CeremonyBook:
    """The ceremonies of the province by (date, place): found, or created once."""

    def __init__(self, province, by):
        self.province, self.by, self.found = province, by, {}

    def get(self, day, place):
        key = (day, place)
        if key not in self.found:
            ceremony = Ceremony.objects.filter(province=self.province, held_on=day, place=place).first()
            if ceremony is None:
                ceremony = Ceremony(
                    province=self.province, held_on=day, place=place, presided_by="", created_by=self.by
                )
                ceremony._history_user = self.by
                ceremony.save()
            self.found[key] = ceremony
        return self.found[key]


def next_visit_after(first_delivery, today):
    """The follow-up calendar's first milestone after today, or its last one when all are past."""
    milestones = [add_months(first_delivery, months) for months in FOLLOW_UP_MONTHS]
    return next((day for day in milestones if day > today), milestones[-1])


def trail(source: str, numbers: list[int]) -> str:
    rows = ", ".join(map(str, numbers))
    return f"imported from {source}, row {rows}" if len(numbers) == 1 else f"imported from {source}, rows {rows}"


def write_project(group, people, ceremonies, province, by, source, today, now) -> MicroProject:
    first = group.first.values
    lead = people[first["cin"]]
    delivered = min(row.values["delivered_on"] for row in group.rows)
    project = MicroProject(
        lead=lead,
        province=province,
        title=first["title"],
        sector=first["sector"],
        commune=first.get("commune", ""),
        total_cost=first["total_cost"],
        own_contribution=first["own_contribution"],
        technical_partner=first.get("technical_partner"),
        status=MicroProject.Status.FUNDED,
        approved_on=delivered,
        first_delivery_on=delivered,
        next_visit_due=next_visit_after(delivered, today),
        created_by=by,
    )
    project._history_user = by
    project._change_reason = trail(source, group.numbers)
    project.save()
    for row in group.rows:
        line = FundingLine(
            project=project,
            partner=row.values["partner"],
            convention=row.values["convention"],
            amount=row.values["amount"],
            kind=row.values["kind"],
            decision=FundingLine.Decision.APPROVED,
            decided_by=by,
            decided_at=now,
        )
        line._history_user = by
        line.save()
        deliver_line(line, row, project, ceremonies, province, by, source)
    ProjectEvent.objects.create(
        project=project,
        by=by,
        action=ProjectEvent.Action.HANDOVER,
        from_status="",
        to_status=MicroProject.Status.FUNDED,
        comment=trail(source, group.numbers),
    )
    lead.advance_with_project(Beneficiary.Status.FUNDED, by=by)
    return project


def deliver_line(line, row, project, ceremonies, province, by, source) -> Handover:
    """The line's whole amount, delivered on the row's day: one handover, one ledger entry."""
    day = row.values["delivered_on"]
    ceremony = (
        ceremonies.get(row.values["ceremony_on"], row.values["ceremony_place"]) if "ceremony_on" in row.values else None
    )
    sequence = HandoverSequence.take_next(province, day.year)
    handover = Handover(
        number=f"{province.abbreviation}-{day.year}-{sequence:04d}",
        province=province,
        year=day.year,
        sequence=sequence,
        project=project,
        line=line,
        kind=line.kind,
        status=Handover.Status.DELIVERED,
        planned_on=day,
        ceremony=ceremony,
        amount=line.amount,
        delivered_on=day,
        delivered_by=by,
        planned_by=by,
        notes=trail(source, [row.number]),
    )
    handover._history_user = by
    handover.save()
    if line.kind == FundingLine.Kind.EQUIPMENT:
        item = HandoverItem(
            handover=handover,
            designation=project.title[:200],
            category=HandoverItem.Category.OTHER,
            quantity=1,
            unit_price=line.amount,
        )
        item._history_user = by
        item.save()
    LedgerEntry.objects.create(line=line, handover=handover, amount=line.amount, value_date=day, by=by)
    return handover
