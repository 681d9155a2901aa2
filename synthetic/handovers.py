"""The handovers of one project's approved lines: tranches, items, ledger entries, a few reversals.

Every approved line of a funded, operating or closed project is handed over in tranches adding up
to the line; an in-handover project still has its last tranche planned; an approved one has them all
planned. One delivery in a hundred was reversed (a negated entry pointing at the delivery) and
handed over again the next week, so the line still adds up. Numbers run per province and year
without gaps; the sequence rows are left at the last number, so a delivery made afterwards takes
the next one.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from disbursements.models import Ceremony, Handover, HandoverItem, HandoverSequence, LedgerEntry
from disbursements.models.handover import CODE_ALPHABET, CODE_LENGTH
from projects.models import FundingLine, MicroProject
from synthetic.load import Table

Status = MicroProject.Status
CENT = Decimal("0.01")
CATEGORIES = [choice for choice, _ in HandoverItem.Category.choices]
DESIGNATIONS = ["Machine à coudre", "Lot d'outillage", "Brebis", "Réfrigérateur", "Four", "Triporteur", "Stock"]
REVERSED_SHARE = 0.01
HANDOVER_COLUMNS = [
    "id", "number", "year", "sequence", "kind", "status", "planned_on", "amount", "cash_method", "cash_reference",
    "delivered_on", "cancellation_reason", "receipt_scan", "verification_code", "notes", "created_at",
    "updated_at", "ceremony_id", "delivered_by_id", "line_id", "partner_id", "planned_by_id", "project_id",
    "province_id", "technical_partner_id",
]  # fmt: skip


class Handovers:
    """The tables the handovers fill, the numbering and the ceremonies."""

    def __init__(self, provinces: dict, staff: int, rng, at, today: date):
        self.handovers = Table(Handover, HANDOVER_COLUMNS)
        self.items = Table(
            HandoverItem,
            ["id", "designation", "category", "quantity", "unit_price", "supplier", "serial_number", "handover_id"],
        )
        self.ledger = Table(
            LedgerEntry,
            ["id", "amount", "value_date", "at", "reason", "by_id", "handover_id", "line_id", "reverses_id"],
        )
        self.ceremony_table = Table(
            Ceremony, ["id", "held_on", "place", "presided_by", "notes", "created_at", "created_by_id", "province_id"]
        )
        self.abbreviations = provinces  # province id -> abbreviation
        self.staff, self.rng, self.at, self.today = staff, rng, at, today
        self.last = defaultdict(int)  # (province, year) -> last number given
        self.ceremonies = {}
        for province in sorted(provinces):
            for year in range(2016, today.year + 1):
                held = date(year, 6, rng.randint(1, 28))
                pk = self.ceremony_table.next_id()
                place, by = "Siège de la province", "Le gouverneur de la province"
                self.ceremony_table.add((pk, held, place, by, "", at(held - timedelta(days=20)), staff, province))
                self.ceremonies[(province, year)] = pk
        self.counts = {"handovers": 0, "cash": 0, "items": 0, "entries": 0, "reversals": 0}

    def line(self, project: dict, line: dict) -> date | None:
        """Hand `line` of `project` over as its status implies; the first delivery's date, if any."""
        rng, status = self.rng, project["status"]
        cash = line["kind"] == FundingLine.Kind.CASH
        count = rng.choice((1, 1, 2)) if cash else rng.choice((1, 2, 2, 3))
        if status == Status.IN_HANDOVER:
            count = max(count, 2)  # some delivered, the last tranche still planned
        delivered = {Status.APPROVED: 0, Status.IN_HANDOVER: count - 1}.get(status, count)
        day = project["approved_on"] + timedelta(days=rng.randint(20, 90))
        first = None
        for index, value in enumerate(tranches(line["amount"], count)):
            planned = day + timedelta(days=60 * index)
            done = index < delivered
            if done:
                planned = min(planned, self.today)
                first = first or planned
            # Reversed three days later and handed over again the next week (decided before writing).
            reverse = done and planned + timedelta(days=7) < self.today and rng.random() < REVERSED_SHARE
            status_ = "reversed" if reverse else "delivered" if done else "planned"
            pk = self.handover(project, line, planned, value, status_, index)
            if done:
                self.deliver(project, line, pk, planned, value, reverse)
        return first

    def handover(self, project, line, planned: date, value: Decimal, status: str, index: int) -> int:
        rng = self.rng
        pk = self.handovers.next_id()
        key = (project["province_id"], planned.year)
        self.last[key] += 1
        number = f"{self.abbreviations[key[0]]}-{planned.year}-{self.last[key]:04d}"
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        cash = line["kind"] == FundingLine.Kind.CASH
        ceremony = self.ceremonies.get(key) if planned.month == 6 and not cash else None
        delivered = planned if status != "planned" else None
        created = self.at(planned - timedelta(days=10))
        self.handovers.add(
            (
                pk, number, planned.year, self.last[key], line["kind"], status, planned, value,
                Handover.CashMethod.TRANSFER if cash else "", f"VIR-{line['id']}-{index}" if cash else "",
                delivered, "", "", code, "", created, self.at(delivered) if delivered else created, ceremony,
                self.staff if delivered else None, line["id"], line["partner_id"], self.staff, project["id"],
                project["province_id"], project["technical_partner_id"],
            )
        )  # fmt: skip
        self.counts["handovers"] += 1
        self.counts["cash"] += cash
        if not cash:
            self.add_items(pk, value)
        return pk

    def add_items(self, handover: int, value: Decimal) -> None:
        """One to three items whose totals add up to the handover's value."""
        for price in tranches(value, self.rng.choice((1, 1, 2, 3))):
            if price > 0:
                designation, category = self.rng.choice(DESIGNATIONS), self.rng.choice(CATEGORIES)
                self.items.add((self.items.next_id(), designation, category, 1, price, "", "", handover))
                self.counts["items"] += 1

    def deliver(self, project, line, handover: int, day: date, value: Decimal, reverse: bool) -> None:
        entry = self.ledger.next_id()
        self.ledger.add((entry, value, day, self.at(day), "", self.staff, handover, line["id"], None))
        self.counts["entries"] += 1
        if not reverse:
            return
        back = day + timedelta(days=3)
        reason, by = "Erreur de bénéficiaire", self.staff
        self.ledger.add((self.ledger.next_id(), -value, back, self.at(back), reason, by, handover, line["id"], entry))
        self.counts["entries"] += 1
        self.counts["reversals"] += 1
        again = day + timedelta(days=7)
        replacement = self.handover(project, line, again, value, "delivered", 9)
        entry = self.ledger.next_id()
        self.ledger.add((entry, value, again, self.at(again), "", self.staff, replacement, line["id"], None))
        self.counts["entries"] += 1

    def finish(self) -> None:
        for table in (self.handovers, self.items, self.ledger, self.ceremony_table):
            table.finish()
        sequences = Table(HandoverSequence, ["id", "year", "last", "province_id"])
        for (province, year), last in sorted(self.last.items()):
            sequences.add((sequences.next_id(), year, last, province))
        sequences.finish()


def tranches(amount: Decimal, count: int) -> list[Decimal]:
    first = (amount / count).quantize(CENT, rounding=ROUND_DOWN)
    return [first] * (count - 1) + [amount - first * (count - 1)]
