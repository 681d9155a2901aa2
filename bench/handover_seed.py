"""Seed ~150,000 handovers on the project seed: items, ledger entries, a few reversals, ceremonies.

As fast as the other seeds (`bulk_create`, no history rows, `auto_now_add` suspended so rows keep
the dates drawn for them) and consistent with the invariants: every approved line of a project
past approval is handed over in one to three tranches that add up to the line (funded, operating
and closed projects) or to less (in handover); approved projects have their handovers planned; one
delivery in a hundred was reversed and handed over again. Numbers run per province and year
without gaps, and each province's sequence row is left at its last number, so a delivery benched
afterwards takes the next one. Deterministic (fixed random seed).
"""

import contextlib
import random
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from django.db import connection, transaction
from django.utils import timezone

from disbursements.models import Ceremony, Handover, HandoverItem, HandoverSequence, LedgerEntry
from disbursements.models.handover import new_verification_code
from projects.models import FundingLine, MicroProject
from reintegration.lib.append_only import triggers_suspended
from territory.models import Province

Status = MicroProject.Status
DELIVERED_STATUSES = {Status.FUNDED, Status.OPERATING, Status.CLOSED}
CHUNK = 5000  # lines handed over per round
CENT = Decimal("0.01")
CATEGORIES = [choice for choice, _ in HandoverItem.Category.choices]
DESIGNATIONS = ["Machine à coudre", "Lot d'outillage", "Brebis", "Réfrigérateur", "Four", "Triporteur", "Stock"]


def tables() -> list[str]:
    models = [LedgerEntry, HandoverItem, Handover, HandoverSequence, Ceremony]
    names = [model._meta.db_table for model in models]
    names += [model.history.model._meta.db_table for model in models if hasattr(model, "history")]
    names.append(Ceremony.partners_present.through._meta.db_table)
    return names


def seeded_count() -> int:
    return Handover.objects.count()


def ensure_seeded(users: dict, *, reseed: bool, log=print) -> dict:
    """Seed the handovers unless some are there already (they follow the project seed)."""
    present = seeded_count()
    if present and not reseed:
        log(f"Handover seed: {present:,} handovers already present, reusing them.")
        vacuum_analyze()
        return {"handovers": present, "seconds": 0.0, "reused": True}
    log("Handover seed: seeding…")
    started = time.perf_counter()
    rows = seed(users)
    seconds = time.perf_counter() - started
    log(
        f"Handover seed: {rows['handovers']:,} handovers, {rows['items']:,} items, {rows['entries']:,} ledger "
        f"entries ({rows['reversals']:,} reversals) in {seconds:.1f} s, then VACUUM ANALYZE."
    )
    vacuum_analyze()
    return {**rows, "seconds": round(seconds, 2), "reused": False}


def vacuum_analyze() -> None:
    with connection.cursor() as cursor:
        for model in (Handover, HandoverItem, LedgerEntry, Ceremony):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


@contextlib.contextmanager
def as_recorded():
    fields = [Handover._meta.get_field("created_at"), LedgerEntry._meta.get_field("at")]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


class Numbers:
    """The next number of each province and year, and the codes already given."""

    def __init__(self):
        self.last = defaultdict(int)
        self.abbreviations = dict(Province.objects.values_list("pk", "abbreviation"))

    def take(self, handover: Handover) -> None:
        key = (handover.province_id, handover.planned_on.year)
        self.last[key] += 1
        handover.year, handover.sequence = handover.planned_on.year, self.last[key]
        handover.number = f"{self.abbreviations[handover.province_id]}-{handover.year}-{handover.sequence:04d}"
        handover.verification_code = new_verification_code()


def seed(users: dict) -> dict:
    rng = random.Random(20201118)  # noqa: S311 - test data, not secrets
    staff = users["province"]
    numbers = Numbers()
    rows = {"handovers": 0, "items": 0, "entries": 0, "reversals": 0, "ceremonies": 0}
    lines = (
        FundingLine.objects.filter(
            decision=FundingLine.Decision.APPROVED,
            project__status__in=[Status.APPROVED, Status.IN_HANDOVER, *DELIVERED_STATUSES],
        )
        .order_by("pk")
        .values_list(
            "pk",
            "project",
            "project__province",
            "project__status",
            "project__approved_on",
            "amount",
            "kind",
            "partner",
            "project__technical_partner",
        )
    )
    with transaction.atomic():
        with triggers_suspended(connection), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables())} RESTART IDENTITY CASCADE")
        ceremonies = make_ceremonies(staff, rng, rows)
        with as_recorded():
            chunk = []
            for line in lines.iterator(chunk_size=CHUNK):
                chunk.append(line)
                if len(chunk) == CHUNK:
                    write_chunk(chunk, staff, numbers, ceremonies, rng, rows)
                    chunk = []
            write_chunk(chunk, staff, numbers, ceremonies, rng, rows)
        HandoverSequence.objects.bulk_create(
            HandoverSequence(province_id=province, year=year, last=last)
            for (province, year), last in numbers.last.items()
        )
        start_follow_up_calendars()
    return rows


def start_follow_up_calendars() -> None:
    """Each project's first delivery, from its handovers (the project seed could not know it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {MicroProject._meta.db_table} AS project SET first_delivery_on = first.day
                FROM (SELECT project_id, MIN(delivered_on) AS day FROM {Handover._meta.db_table}
                      WHERE delivered_on IS NOT NULL GROUP BY project_id) AS first
                WHERE project.id = first.project_id"""  # noqa: S608 (table names from Meta)
        )


def make_ceremonies(staff, rng, rows) -> dict:
    """A ceremony per province and year, on a day in June (handovers of that year may belong to it)."""
    ceremonies = [
        Ceremony(
            province_id=province,
            held_on=date(year, 6, rng.randint(1, 28)),
            place="Siège de la province",
            presided_by="Le gouverneur de la province",
            created_by=staff,
        )
        for province in Province.objects.values_list("pk", flat=True)
        for year in range(2016, timezone.localdate().year + 1)
    ]
    Ceremony.objects.bulk_create(ceremonies)
    rows["ceremonies"] = len(ceremonies)
    return {(ceremony.province_id, ceremony.held_on.year): ceremony for ceremony in ceremonies}


def tranches(amount: Decimal, count: int) -> list[Decimal]:
    first = (amount / count).quantize(CENT, rounding=ROUND_DOWN)
    return [first] * (count - 1) + [amount - first * (count - 1)]


def write_chunk(lines, staff, numbers, ceremonies, rng, rows) -> None:
    handovers, items, deliveries = [], [], []  # deliveries: (handover, value date, reversed?)
    for pk, project, province, status, approved_on, amount, kind, partner, studier in lines:
        approved_on = approved_on or date(2020, 1, 1)
        count = rng.choice((1, 1, 2, 3))
        if status == Status.IN_HANDOVER:
            count = max(count, 2)  # some delivered, the last tranche still planned
        parts = tranches(amount, count)
        delivered = {Status.APPROVED: 0, Status.IN_HANDOVER: count - 1}.get(status, count)
        day = approved_on + timedelta(days=rng.randint(20, 90))
        for index, value in enumerate(parts):
            planned = min(day + timedelta(days=60 * index), timezone.localdate())
            handover = Handover(
                province_id=province,
                project_id=project,
                line_id=pk,
                partner_id=partner,
                technical_partner_id=studier,
                kind=kind,
                planned_on=planned,
                amount=value,
                planned_by=staff,
                created_at=moment(planned - timedelta(days=10)),
                ceremony=ceremonies.get((province, planned.year)) if planned.month == 6 else None,
            )
            if kind == FundingLine.Kind.CASH:
                handover.cash_method, handover.cash_reference = Handover.CashMethod.TRANSFER, f"VIR-{pk}-{index}"
            if index < delivered:
                handover.status, handover.delivered_on, handover.delivered_by = "delivered", planned, staff
                deliveries.append((handover, planned, rng.random() < 0.01))
            numbers.take(handover)
            handovers.append(handover)
    Handover.objects.bulk_create(handovers, batch_size=CHUNK)
    for handover in handovers:
        if handover.kind == FundingLine.Kind.EQUIPMENT:
            items += item_rows(handover, rng)
    HandoverItem.objects.bulk_create(items, batch_size=CHUNK)
    entries = ledger_rows(deliveries, staff, numbers)
    rows["handovers"] += len(handovers) + len(entries["replacements"])
    rows["items"] += len(items)
    rows["entries"] += len(entries["deliveries"]) + len(entries["reversals"])
    rows["reversals"] += len(entries["reversals"])


def item_rows(handover, rng) -> list[HandoverItem]:
    """One to three items whose totals add up to the handover's value."""
    parts = tranches(handover.amount, rng.choice((1, 1, 2, 3)))
    return [
        HandoverItem(
            handover=handover,
            designation=rng.choice(DESIGNATIONS),
            category=rng.choice(CATEGORIES),
            quantity=1,
            unit_price=value,
        )
        for value in parts
        if value > 0
    ]


def ledger_rows(deliveries, staff, numbers) -> dict:
    """A delivery entry each; for one in a hundred, its reversal and a replacing handover delivered
    the next week, so the line still adds up."""
    posted = [
        LedgerEntry(line_id=h.line_id, handover=h, amount=h.amount, value_date=day, by=staff, at=moment(day))
        for h, day, _ in deliveries
    ]
    LedgerEntry.objects.bulk_create(posted, batch_size=CHUNK)
    reversed_ones = [(entry, h) for entry, (h, _, reverse) in zip(posted, deliveries, strict=True) if reverse]
    reversals = [
        LedgerEntry(
            line_id=entry.line_id,
            handover=h,
            amount=-entry.amount,
            reverses=entry,
            value_date=entry.value_date + timedelta(days=3),
            by=staff,
            reason="Erreur de bénéficiaire",
            at=moment(entry.value_date + timedelta(days=3)),
        )
        for entry, h in reversed_ones
    ]
    LedgerEntry.objects.bulk_create(reversals, batch_size=CHUNK)
    Handover.objects.filter(pk__in=[h.pk for _, h in reversed_ones]).update(status="reversed")
    replacements = []
    for entry, h in reversed_ones:
        again = Handover(
            province_id=h.province_id,
            project_id=h.project_id,
            line_id=h.line_id,
            partner_id=h.partner_id,
            technical_partner_id=h.technical_partner_id,
            kind=h.kind,
            planned_on=entry.value_date + timedelta(days=7),
            amount=h.amount,
            planned_by=staff,
            created_at=moment(entry.value_date + timedelta(days=4)),
            status="delivered",
            delivered_on=entry.value_date + timedelta(days=7),
            delivered_by=staff,
            cash_method=h.cash_method,
        )
        numbers.take(again)
        replacements.append(again)
    Handover.objects.bulk_create(replacements)
    HandoverItem.objects.bulk_create(
        HandoverItem(handover=h, designation=DESIGNATIONS[0], category=CATEGORIES[0], quantity=1, unit_price=h.amount)
        for h in replacements
        if h.kind == FundingLine.Kind.EQUIPMENT
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            line_id=h.line_id, handover=h, amount=h.amount, value_date=h.delivered_on, by=staff, at=h.created_at
        )
        for h in replacements
    )
    return {"deliveries": posted, "reversals": reversals, "replacements": replacements}


def moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=10))
