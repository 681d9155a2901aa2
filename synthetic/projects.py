"""Conventions and micro-projects: funding lines, studies, events, follow-up visits and, through
`synthetic.handovers`, the handovers of every project past approval.

Each status has the lines, decisions, study, handovers, visits and events its transitions would
have written; every contribution is set, once the lines are drawn, above the sum of its approved
lines (with room left, so the approval bench can approve more). Businesses close down at a rate
that depends on their sector and on the half-year they were funded in, so survival at 6, 12 and 24
months differs between cohorts and sectors.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from beneficiaries.models import Beneficiary
from partners.models import Contribution, Convention
from projects.demo_cast import ACTIVITIES
from projects.models import FollowUpVisit, FundingLine, MicroProject, ProjectEvent, Study
from projects.models.project import add_months
from projects.models.states import COMMITTING, FOLLOWED_UP, Outcome
from projects.models.workflow import FOLLOW_UP_MONTHS
from synthetic.load import Table

Status, Action, Decision = MicroProject.Status, ProjectEvent.Action, FundingLine.Decision
Business, Person, Phase = FollowUpVisit.BusinessStatus, Beneficiary.Status, Convention.IndhPhase
PREFIX = "SYN-"  # the generated conventions' references

# Most projects are funded and followed up; a few at each step of the workflow.
STATUS_WEIGHTS = {
    Status.DRAFT: 7, Status.SUBMITTED: 6, Status.STUDIED: 6, Status.APPROVED: 10, Status.REJECTED: 5,
    Status.WITHDRAWN: 3, Status.IN_HANDOVER: 3, Status.FUNDED: 12, Status.OPERATING: 48,
}  # fmt: skip
# How long ago a project of each status was drafted (days, at least and at most): the pipeline is
# recent, the followed-up old (deliveries from 2016 on); each had the time to reach its status.
AGE_DAYS = {
    Status.DRAFT: (1, 200), Status.SUBMITTED: (11, 240), Status.STUDIED: (31, 300), Status.APPROVED: (61, 400),
    Status.REJECTED: (56, 1500), Status.WITHDRAWN: (21, 1500), Status.IN_HANDOVER: (121, 500),
    Status.FUNDED: (130, 700), Status.OPERATING: (330, 3950),
}  # fmt: skip
APPROVED_STATUSES = {Status.APPROVED, Status.IN_HANDOVER, Status.FUNDED, Status.OPERATING, Status.CLOSED}
DELIVERED_STATUSES = {Status.IN_HANDOVER, Status.FUNDED, Status.OPERATING, Status.CLOSED}
LEAD_STATUS = {
    Status.DRAFT: Person.ACCOMPANIED, Status.WITHDRAWN: Person.ACCOMPANIED,
    Status.SUBMITTED: Person.PROJECT_IN_PREPARATION, Status.STUDIED: Person.PROJECT_IN_PREPARATION,
    Status.APPROVED: Person.PROJECT_IN_PREPARATION, Status.REJECTED: Person.PROJECT_IN_PREPARATION,
    Status.IN_HANDOVER: Person.FUNDED, Status.FUNDED: Person.FUNDED,
    Status.OPERATING: Person.FOLLOWED_UP, Status.CLOSED: Person.FOLLOWED_UP,
}  # fmt: skip
EPOCH = date(2016, 1, 1)
# Chance that a business funded in a sector closes down within two years, and each period's factor
# (the 2020 lockdowns hit the cohorts funded in 2019–2020 hardest).
SECTOR_RISK = {
    "agriculture": 0.22, "livestock": 0.18, "fishing": 0.3, "crafts": 0.2, "trade": 0.3, "catering": 0.38,
    "personal_services": 0.25, "repair": 0.16, "building": 0.24, "transport": 0.34, "food_processing": 0.26,
    "digital": 0.2, "other": 0.28,
}  # fmt: skip
CLOSING_MILESTONE_WEIGHTS = (1, 2, 3, 3)  # at the 3-, 6-, 12- or 24-month visit


def cohort_factor(day: date) -> float:
    if day.year in (2019, 2020):
        return 1.6
    return 1.2 if day.year < 2019 else 0.8 + (day.month > 6) * 0.1


# (year the convention starts, INDH phase) for each region's conventions, the national ones, and
# each province's own (one per province, starting 2019 to 2021).
REGIONAL = [(2016, Phase.PHASE_II), (2019, Phase.PHASE_III), (2024, Phase.NONE)]
NATIONAL = [(2010, Phase.PHASE_I), (2016, Phase.NONE), (2021, Phase.PHASE_III)]
NATIONAL_SHARE, PROVINCIAL_SHARE = 0.15, 0.25  # projects funded under those rather than their region's
FM6RD_SHARE = 0.35  # projects co-financed by the Foundation, in cash
COLLECTIVE_SHARE = 0.03  # projects with a co-beneficiary


@dataclass
class Cast:
    partners: dict  # acronym -> id
    submitter_for: dict  # province id -> the user who drafts and submits there (None: elsewhere)
    decider: dict  # partner acronym -> who decides its lines
    visitor: int
    region_of: dict  # province id -> region id
    conventions: dict = field(default_factory=dict)  # (scope, place id, year) -> convention dict
    committed: dict = field(default_factory=dict)  # (convention id, partner id) -> approved, committing


class Projects:
    """Draws each project and writes it, with its children, to the tables."""

    def __init__(self, cast: Cast, handovers, rng, at, today: date):
        self.cast, self.handovers, self.rng, self.at, self.today = cast, handovers, rng, at, today
        self.projects = Table(MicroProject, [
            "id", "title", "sector", "activity", "commune", "total_cost", "own_contribution", "expected_jobs",
            "status", "outcome", "revision", "submitted_at", "approved_on", "first_delivery_on", "next_visit_due",
            "created_at", "updated_at", "created_by_id", "lead_id", "province_id", "submitted_by_id",
            "technical_partner_id",
        ])  # fmt: skip
        self.lines = Table(FundingLine, [
            "id", "amount", "kind", "decision", "decided_at", "decision_reason", "convention_id", "decided_by_id",
            "partner_id", "project_id",
        ])  # fmt: skip
        self.studies = Table(Study, [
            "id", "revision", "feasible", "expected_monthly_revenue", "recommended_amount", "notes", "document",
            "recorded_at", "partner_id", "project_id", "recorded_by_id",
        ])  # fmt: skip
        self.events = Table(ProjectEvent, [
            "id", "at", "action", "from_status", "to_status", "revision", "comment", "by_id", "line_id", "project_id",
        ])  # fmt: skip
        self.visits = Table(FollowUpVisit, [
            "id", "visited_on", "business_status", "equipment_in_use", "monthly_revenue", "jobs", "notes",
            "next_visit_due", "recorded_at", "visitor_id", "project_id",
        ])  # fmt: skip
        self.shared = Table(MicroProject.co_beneficiaries.through, ["id", "microproject_id", "beneficiary_id"])
        self.counts = dict.fromkeys(("projects", "lines", "events", "visits"), 0)

    def write(self, lead: dict, neighbours: list[dict]) -> None:
        """One project led by `lead` (a person dict, whose status follows the project's)."""
        rng, cast = self.rng, self.cast
        status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
        youngest, oldest = AGE_DAYS[status]
        drafted = max(EPOCH, self.today - timedelta(days=rng.randrange(youngest, oldest)))
        title, sector, activity, revenue = rng.choice(ACTIVITIES)
        province = lead["province_id"]
        submitter = cast.submitter_for.get(province, cast.submitter_for[None])
        project = {
            "id": self.projects.next_id(), "status": status, "province_id": province, "drafted": drafted,
            "approved_on": drafted + timedelta(days=60) if status in APPROVED_STATUSES else None,
            "technical_partner_id": cast.partners["ANAPEC"], "submitter": submitter, "sector": sector,
            "rejected_by_study": status == Status.REJECTED and rng.random() < 0.5,
            # Withdrawn projects: half of them from their draft, never submitted.
            "submitted": status != Status.DRAFT and not (status == Status.WITHDRAWN and rng.random() < 0.5),
        }  # fmt: skip
        convention = self.convention_for(province, drafted)
        lines = [self.line(project, "INDH", convention, amount(rng, 10, 40), FundingLine.Kind.EQUIPMENT)]
        if rng.random() < FM6RD_SHARE:
            lines.append(self.line(project, "FM6RD", convention, amount(rng, 4, 15), FundingLine.Kind.CASH))
        self.decide(project, lines)
        first = None
        if status in APPROVED_STATUSES:
            days = [self.handovers.line(project, line) for line in lines]
            first = min((day for day in days if day), default=None)
        events = self.event_rows(project, lines, first)
        next_due, outcome = self.follow_up(project, first, revenue, events)
        status = project["status"]  # follow_up may have closed it
        own = Decimal(rng.choice([0, 0, 500, 1000, 2000, 3000]))
        submitted = project["submitted"]
        for line in lines:
            self.lines.add((
                line["id"], line["amount"], line["kind"], line["decision"], line["decided_at"], line["reason"],
                line["convention_id"], line["decided_by"], line["partner_id"], project["id"],
            ))  # fmt: skip
        if status not in (Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN):
            self.studies.add((
                self.studies.next_id(), 1, not project["rejected_by_study"], Decimal(revenue),
                sum(line["amount"] for line in lines), "", "", self.at(drafted + timedelta(days=30)),
                cast.partners["ANAPEC"], project["id"], cast.visitor,
            ))  # fmt: skip
        self.write_events(project, events)
        created = self.at(drafted)
        self.projects.add((
            project["id"], f"{title} à {lead['commune']}"[:200], sector, activity, lead["commune"],
            sum((line["amount"] for line in lines), own), own, rng.choice([1, 1, 1, 2, 2, 3]), status, outcome, 0,
            self.at(drafted + timedelta(days=10)) if submitted else None, project["approved_on"], first, next_due,
            created, self.at(events[-1][0]) if events else created, submitter, lead["id"], province,
            submitter if submitted else None, cast.partners["ANAPEC"],
        ))  # fmt: skip
        self.counts["projects"] += 1
        self.counts["lines"] += len(lines)
        people = [lead]
        if rng.random() < COLLECTIVE_SHARE:
            partner = rng.choice(neighbours)
            if partner is not lead and "leads" not in partner:
                self.shared.add((self.shared.next_id(), project["id"], partner["id"]))
                people.append(partner)
        for person in people:
            person["leads"] = True
            person["status"], person["exit_reason"] = LEAD_STATUS[status], ""
            if status == Status.CLOSED and rng.random() < 0.4:
                person["status"], person["exit_reason"] = Person.EXITED, Beneficiary.ExitReason.values[0]
            person["registered"] = min(person["registered"], drafted - timedelta(days=5))

    def convention_for(self, province: int, drafted: date) -> dict:
        draw = self.rng.random()
        conventions = self.cast.conventions
        if draw < NATIONAL_SHARE:
            return conventions[("national", None, max(y for y, _ in NATIONAL if y <= drafted.year))]
        provincial = conventions[("province", province)]
        if draw < NATIONAL_SHARE + PROVINCIAL_SHARE and provincial["year"] <= drafted.year:
            return provincial
        region = self.cast.region_of[province]
        return conventions[("region", region, max(y for y, _ in REGIONAL if y <= max(drafted.year, 2016)))]

    def line(self, project, acronym, convention, value, kind) -> dict:
        return {
            "id": self.lines.next_id(), "amount": value, "kind": kind, "partner_id": self.cast.partners[acronym],
            "acronym": acronym, "convention_id": convention["id"], "decision": Decision.PENDING,
            "decided_at": None, "decided_by": None, "reason": "",
        }  # fmt: skip

    def decide(self, project: dict, lines: list) -> None:
        """Each line's decision as its project's status implies; the approved ones that commit are counted."""
        status = project["status"]
        decided = self.at(project["drafted"] + timedelta(days=55))
        for number, line in enumerate(lines):
            if status in APPROVED_STATUSES or (status == Status.STUDIED and number > 0):
                line["decision"] = Decision.APPROVED
            elif status == Status.REJECTED and not project["rejected_by_study"] and number == 0:
                line["decision"], line["reason"] = Decision.REJECTED, "Devis au-dessus des prix du marché."
            else:
                continue
            line["decided_by"], line["decided_at"] = self.cast.decider[line["acronym"]], decided
            if line["decision"] == Decision.APPROVED and status in COMMITTING:
                key = (line["convention_id"], line["partner_id"])
                self.cast.committed[key] = self.cast.committed.get(key, Decimal("0")) + line["amount"]

    def event_rows(self, project, lines, first: date | None) -> list[tuple]:
        """(day, action, from, to, by, line id) of the transitions up to the handovers, in order."""
        status, day, submitter, visitor = project["status"], project["drafted"], project["submitter"], self.cast.visitor
        events = []
        if project["submitted"]:
            events.append((day + timedelta(days=10), Action.SUBMIT, Status.DRAFT, Status.SUBMITTED, submitter, None))
        if status == Status.WITHDRAWN:
            withdrawn_from = Status.SUBMITTED if project["submitted"] else Status.DRAFT
            events.append((day + timedelta(days=20), Action.WITHDRAW, withdrawn_from, status, submitter, None))
        if status in (Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN):
            return events
        studied = Status.REJECTED if project["rejected_by_study"] else Status.STUDIED
        events.append((day + timedelta(days=30), Action.STUDY, Status.SUBMITTED, studied, visitor, None))
        for line in lines:
            if line["decision"] == Decision.APPROVED:
                events.append((day + timedelta(days=55), Action.APPROVE_LINE, Status.STUDIED, Status.STUDIED,
                               line["decided_by"], line["id"]))  # fmt: skip
            elif line["decision"] == Decision.REJECTED:
                events.append((day + timedelta(days=55), Action.REJECT_LINE, Status.STUDIED, Status.REJECTED,
                               line["decided_by"], line["id"]))  # fmt: skip
        if status in APPROVED_STATUSES:
            events.append((day + timedelta(days=60), Action.APPROVE, Status.STUDIED, Status.APPROVED,
                           lines[-1]["decided_by"], None))  # fmt: skip
        if first:
            handed = Status.IN_HANDOVER if status == Status.IN_HANDOVER else Status.FUNDED
            events.append((first, Action.HANDOVER, Status.APPROVED, handed, submitter, None))
        return events

    def follow_up(self, project, first: date | None, revenue: int, events: list) -> tuple:
        """The visits of a delivered business (at 3, 6, 12 and 24 months, those already past), some of
        which found it closed; returns the project's next visit due and outcome."""
        status = project["status"]
        if status not in FOLLOWED_UP:
            return None, ""
        if status == Status.APPROVED:
            return add_months(project["approved_on"], FOLLOW_UP_MONTHS[0]), ""
        milestones = [add_months(first, months) for months in FOLLOW_UP_MONTHS]
        past = [day for day in milestones if day < self.today]
        if status != Status.OPERATING or not past:
            if status == Status.OPERATING:  # delivered too recently for a visit: funded still
                project["status"] = Status.FUNDED
            return milestones[0], ""
        rng = self.rng
        closes_at = None
        if rng.random() < SECTOR_RISK[project["sector"]] * cohort_factor(first):
            closes_at = rng.choices(range(len(past)), CLOSING_MILESTONE_WEIGHTS[: len(past)])[0]
        before = Status.FUNDED
        for number, day in enumerate(past):
            closing = number == closes_at
            business = Business.CLOSED if closing else rng.choices(list(Business)[:3], (80, 16, 4))[0]
            due = None if closing or number + 1 >= len(milestones) else milestones[number + 1]
            earned = None if closing else Decimal(revenue + rng.randrange(-20, 20) * 100)
            self.visits.add((
                self.visits.next_id(), day, business, not closing, earned, rng.choice([1, 1, 2]), "", due,
                self.at(day), self.cast.visitor, project["id"],
            ))  # fmt: skip
            self.counts["visits"] += 1
            after = Status.CLOSED if closing else Status.OPERATING
            events.append((day, Action.VISIT, before, after, self.cast.visitor, None))
            if closing:
                project["status"] = Status.CLOSED
                return None, Outcome.CLOSED_DOWN
            before = Status.OPERATING
        if len(past) == len(milestones) and rng.random() < 0.15:  # followed to the end, then closed by staff
            closed = past[-1] + timedelta(days=1)
            events.append((closed, Action.CLOSE, Status.OPERATING, Status.CLOSED, project["submitter"], None))
            project["status"] = Status.CLOSED
            return None, rng.choice([Outcome.THRIVING, Outcome.THRIVING, Outcome.STRUGGLING])
        return (None if len(past) == len(milestones) else milestones[len(past)]), ""

    def write_events(self, project, events) -> None:
        for day, action, from_status, to_status, by, line in events:
            self.events.add((self.events.next_id(), self.at(day), action, from_status, to_status, 0, "", by, line,
                             project["id"]))  # fmt: skip
        self.counts["events"] += len(events)

    def finish(self) -> None:
        for table in (self.projects, self.lines, self.studies, self.events, self.visits, self.shared):
            table.finish()


def amount(rng, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 20, high * 20) * 50)


def make_conventions(cast: Cast, regions: dict, provinces: list) -> None:
    """Regional, national and provincial conventions (envelopes set with the contributions)."""

    def add(key, reference, year, phase, scope, region=None, province=None):
        cast.conventions[key] = {
            "id": len(cast.conventions) + 1, "reference": PREFIX + reference, "year": year, "phase": phase,
            "scope": scope, "region": region, "province": province,
        }  # fmt: skip

    for region, code in sorted(regions.items(), key=lambda item: item[1]):
        for year, phase in REGIONAL:
            add(("region", region, year), f"R{code}-{year}", year, phase, Convention.Scope.REGION, region=region)
    for year, phase in NATIONAL:
        add(("national", None, year), f"NAT-{year}", year, phase, Convention.Scope.NATIONAL)
    for number, (province, code) in enumerate(provinces):
        year = 2019 + number % 3
        scope = Convention.Scope.PROVINCE
        add(("province", province), f"P{code}-{year}", year, Phase.PHASE_III, scope, province=province)


def write_conventions(cast: Cast) -> int:
    """Each party's contribution above what it committed (with room for the approvals the bench
    makes), ANAPEC's in kind; each envelope the sum of the contributions: the invariants hold."""
    conventions = Table(Convention, [
        "id", "reference", "title", "scope", "signed_on", "year", "indh_phase", "starts_on", "ends_on", "envelope",
        "target_beneficiaries", "notes", "document", "province_id", "region_id",
    ])  # fmt: skip
    contributions = Table(Contribution, ["id", "amount", "in_kind", "convention_id", "partner_id"])
    for convention in sorted(cast.conventions.values(), key=lambda item: item["id"]):
        total = Decimal("0")
        for acronym in ("INDH", "FM6RD", "ANAPEC"):
            partner = cast.partners[acronym]
            committed = cast.committed.get((convention["id"], partner), Decimal("0"))
            room = (committed * Decimal("1.2")).quantize(Decimal("1")) + 500_000
            value = Decimal("0") if acronym == "ANAPEC" else room  # ANAPEC gives its studies, in kind
            in_kind = "Accompagnement et études techniques" if acronym == "ANAPEC" else ""
            contributions.add((contributions.next_id(), value, in_kind, convention["id"], partner))
            total += value
        year = convention["year"]
        conventions.add((
            convention["id"], convention["reference"], f"Réinsertion des détenus libérés ({convention['reference']})",
            convention["scope"], date(year - 1, 12, 15), year, convention["phase"], date(year, 1, 1),
            date(year + 4, 12, 31), total, 0, "", "", convention["province"], convention["region"],
        ))  # fmt: skip
    contributions.finish()
    return conventions.finish()
