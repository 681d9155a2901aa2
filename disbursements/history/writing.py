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
from simple_history.utils import bulk_create_with_history

from beneficiaries.importing.checking import NEW
from beneficiaries.importing.writing import ImportRefused, new_beneficiary
from beneficiaries.models import Beneficiary
from disbursements.models import Ceremony, Handover, HandoverItem, HandoverSequence, LedgerEntry
from partners.models import Contribution
from projects.models import FundingLine, MicroProject, ProjectEvent
from projects.models.workflow import FOLLOW_UP_MONTHS, add_months
from reintegration.lib.freshness import figures_changed
from territory.models import Province

ZERO = Decimal("0")
BATCH = 500


class SpendingChanged(ImportRefused):
    """A contribution has less left than when the file was checked (someone approved a line meanwhile)."""


def write_history(plan, *, by, source: str, skip_invalid=False) -> dict:
    """All of the plan's new projects, or nothing. `source` is the file's name, quoted in each
    project's trail ("imported from <source>, row N"). Returns the counts, with the projects written.

    Bulk writes, a table at a time (people, projects, lines, handovers, items, ledger, events), with
    their history rows written by simple-history's bulk helper: a file of 5,000 lines is a few
    hundred queries, not tens of thousands."""
    if plan.counts["invalid"] and not skip_invalid:
        raise ImportRefused
    groups = plan.projects_in(NEW)
    today, now = timezone.localdate(), timezone.now()
    history = {"default_user": by, "default_date": now}
    with transaction.atomic():
        # The province first, as the beneficiary commit: two commits of one file wait for each other.
        Province.objects.select_for_update().get(pk=plan.province.pk)
        check_contributions(groups)
        people = register_people(groups, plan.province, by, now, history)
        ceremonies = CeremonyBook(plan.province, by)
        projects = [new_project(group, people, plan.province, by, today) for group in groups]
        bulk_create_with_history(
            projects, MicroProject, batch_size=BATCH, default_change_reason=f"imported from {source}", **history
        )
        rows = [(row, project) for group, project in zip(groups, projects, strict=True) for row in group.rows]
        lines = [new_line(row, project, by, now) for row, project in rows]
        bulk_create_with_history(lines, FundingLine, batch_size=BATCH, **history)
        handovers = new_handovers(rows, lines, ceremonies, plan.province, by, source)
        bulk_create_with_history(handovers, Handover, batch_size=BATCH, **history)
        items = [equipment_item(handover) for handover in handovers if handover.kind == FundingLine.Kind.EQUIPMENT]
        bulk_create_with_history(items, HandoverItem, batch_size=BATCH, **history)
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(line=h.line, handover=h, amount=h.amount, value_date=h.delivered_on, by=by)
                for h in handovers
            ],
            batch_size=BATCH,
        )
        ProjectEvent.objects.bulk_create(
            [imported_event(group, project, by, source) for group, project in zip(groups, projects, strict=True)],
            batch_size=BATCH,
        )
        for person in {group.person.pk: group.person for group in groups if group.person}.values():
            person.advance_with_project(Beneficiary.Status.FUNDED, by=by)
        # Bulk writes send no post_save: the dashboards learn of the past projects here, at the commit.
        figures_changed([plan.province.pk])
    return {**plan.counts, "projects": [project.pk for project in projects]}


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


def register_people(groups, province, by, now, history) -> dict:
    """CIN → the person: registered already, or registered now as the beneficiary import registers
    them, funded from the start (their first project is the one this file brings)."""
    people, created = {}, []
    for group in groups:
        if group.person is not None:
            people[group.person.cin] = group.person
        elif group.new_person is not None and group.new_person.values["cin"] not in people:
            person = new_beneficiary(group.new_person, province, by, now)
            person.status = Beneficiary.Status.FUNDED
            people[person.cin] = person
            created.append(person)
    bulk_create_with_history(created, Beneficiary, batch_size=BATCH, default_change_reason="history import", **history)
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


def new_project(group, people, province, by, today) -> MicroProject:
    first = group.first.values
    delivered = min(row.values["delivered_on"] for row in group.rows)
    return MicroProject(
        lead=people[first["cin"]],
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


def new_line(row, project, by, now) -> FundingLine:
    return FundingLine(
        project=project,
        partner=row.values["partner"],
        convention=row.values["convention"],
        amount=row.values["amount"],
        kind=row.values["kind"],
        decision=FundingLine.Decision.APPROVED,
        decided_by=by,
        decided_at=now,
    )


def new_handovers(rows, lines, ceremonies, province, by, source) -> list[Handover]:
    """Each line's whole amount delivered on its row's day, numbered in delivery order within each year."""
    by_year = defaultdict(list)
    for (row, project), line in zip(rows, lines, strict=True):
        by_year[row.values["delivered_on"].year].append((row, project, line))
    handovers = []
    for year, delivered in sorted(by_year.items()):
        delivered.sort(key=lambda item: (item[0].values["delivered_on"], item[0].number))
        for sequence, (row, project, line) in zip(
            HandoverSequence.take_block(province, year, len(delivered)), delivered, strict=True
        ):
            day = row.values["delivered_on"]
            ceremony = None
            if "ceremony_on" in row.values:
                ceremony = ceremonies.get(row.values["ceremony_on"], row.values["ceremony_place"])
            handovers.append(
                Handover(
                    number=f"{province.abbreviation}-{year}-{sequence:04d}",
                    province=province,
                    year=year,
                    sequence=sequence,
                    project=project,
                    line=line,
                    partner_id=line.partner_id,
                    technical_partner_id=project.technical_partner_id,
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
            )
    return handovers


def equipment_item(handover) -> HandoverItem:
    """The equipment of a past handover as one item worth the line (the file lists no items)."""
    return HandoverItem(
        handover=handover,
        designation=handover.project.title[:200],
        category=HandoverItem.Category.OTHER,
        quantity=1,
        unit_price=handover.amount,
    )


def imported_event(group, project, by, source) -> ProjectEvent:
    return ProjectEvent(
        project=project,
        by=by,
        action=ProjectEvent.Action.HANDOVER,
        from_status="",
        to_status=MicroProject.Status.FUNDED,
        comment=trail(source, group.numbers),
    )
