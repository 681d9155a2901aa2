"""Seed ~80,000 micro-projects on the beneficiary seed: conventions, funding lines, studies, events, visits.

Fast on purpose, as the beneficiary seed: `bulk_create` skips `save()` and the signals, so no history
rows are written (the bench never reads them), and the rows keep the dates drawn for them
(`as_recorded` suspends `auto_now_add`). The append-only triggers refuse UPDATE and DELETE, not
INSERT; reseeding truncates with them suspended, as the superuser the bench runs as.

Consistent with the invariants: each status has the lines, decisions, study and events its
transitions would have written, and every contribution is set, once the lines are drawn, above the
sum of its approved lines (with room left, so the approval bench can approve more).
Deterministic (fixed random seed).
"""

import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from beneficiaries.models import Beneficiary
from partners.models import Contribution, Convention, Partner
from projects.demo_cast import ACTIVITIES
from projects.models import FollowUpVisit, FundingLine, MicroProject, ProjectEvent, Study
from projects.models.project import add_months
from projects.models.states import COMMITTING, FOLLOWED_UP
from reintegration.lib.append_only import triggers_suspended
from territory.models import Province, Region

Status, Action, Decision = MicroProject.Status, ProjectEvent.Action, FundingLine.Decision
CHUNK = 2000  # projects written per round: their lines, studies, events and visits follow them
PREFIX = "BENCH-"  # the seeded conventions' references


@contextmanager
def as_recorded():
    """Let the rows written inside keep the dates drawn for them, where `auto_now_add` would date
    a 2016 submission today (moved here from the demo's history stand-in, now the history import)."""
    fields = [
        MicroProject._meta.get_field("created_at"),
        Study._meta.get_field("recorded_at"),
        ProjectEvent._meta.get_field("at"),
        FollowUpVisit._meta.get_field("recorded_at"),
    ]
    for field_ in fields:
        field_.auto_now_add = False
    try:
        yield
    finally:
        for field_ in fields:
            field_.auto_now_add = True


# Most projects are funded and followed up; a few at each step of the workflow.
STATUS_WEIGHTS = {
    Status.DRAFT: 7,
    Status.SUBMITTED: 6,
    Status.STUDIED: 6,
    Status.APPROVED: 10,
    Status.REJECTED: 5,
    Status.WITHDRAWN: 3,
    Status.IN_HANDOVER: 3,
    Status.FUNDED: 17,
    Status.OPERATING: 36,
    Status.CLOSED: 7,
}
# How long ago a project of each status was drafted (days, at least and at most): the pipeline is
# recent, the funded old; each had the time to reach its status (submitted 10 days after the draft,
# studied after 30, approved after 60, first delivery after 120).
AGE_DAYS = {
    Status.DRAFT: (1, 200),
    Status.SUBMITTED: (11, 240),
    Status.STUDIED: (31, 300),
    Status.APPROVED: (61, 540),
    Status.REJECTED: (56, 1500),
    Status.WITHDRAWN: (21, 1500),
    Status.IN_HANDOVER: (121, 400),
    Status.FUNDED: (121, 2500),
    Status.OPERATING: (200, 3600),
    Status.CLOSED: (400, 3900),
}
APPROVED_STATUSES = {Status.APPROVED, Status.IN_HANDOVER, Status.FUNDED, Status.OPERATING, Status.CLOSED}
DELIVERED_STATUSES = {Status.IN_HANDOVER, Status.FUNDED, Status.OPERATING, Status.CLOSED}
EPOCH = date(2015, 1, 1)
# (year the convention starts, INDH phase) for each region's conventions, and the national ones.
REGIONAL = [(2015, Convention.IndhPhase.PHASE_II), (2020, Convention.IndhPhase.PHASE_III), (2024, "none")]
NATIONAL = [(2018, "none"), (2022, Convention.IndhPhase.PHASE_III)]
NATIONAL_SHARE = 0.2  # projects funded under a national convention rather than their region's
FM6RD_SHARE = 0.35  # projects co-financed by the Foundation
COLLECTIVE_SHARE = 0.03  # projects with a co-beneficiary


@dataclass
class Cast:
    partners: dict
    submitter_for: dict  # province id -> the user who drafts and submits there
    decider: dict  # partner acronym -> who decides its lines
    visitor: User
    region_of: dict  # province id -> region id
    conventions: dict = field(default_factory=dict)  # (region id or None, year) -> Convention
    committed: dict = field(default_factory=dict)  # (convention id, partner id) -> approved, committing


def project_tables() -> list[str]:
    models = [MicroProject, FundingLine, Study, ProjectEvent, FollowUpVisit, Contribution, Convention]
    tables = [model._meta.db_table for model in models]
    tables += [model.history.model._meta.db_table for model in models if hasattr(model, "history")]
    tables.append(MicroProject.co_beneficiaries.through._meta.db_table)
    return tables


def seeded_count() -> int:
    return MicroProject.objects.count()


def ensure_seeded(count: int, users: dict, *, reseed: bool, log=print) -> dict:
    """Seed `count` projects unless the database already holds exactly that many."""
    present = seeded_count()
    if present == count and not reseed:
        log(f"Project seed: {present:,} projects already present, reusing them.")
        vacuum_analyze()
        return {"projects": present, "seconds": 0.0, "reused": True}
    log(f"Project seed: {present:,} present, {count:,} wanted: seeding…")
    started = time.perf_counter()
    rows = seed(count, users)
    seconds = time.perf_counter() - started
    log(
        f"Project seed: {count:,} projects, {rows['lines']:,} lines, {rows['events']:,} events, "
        f"{rows['visits']:,} visits in {seconds:.1f} s, then VACUUM ANALYZE."
    )
    vacuum_analyze()
    return {**rows, "projects": count, "seconds": round(seconds, 2), "reused": False}


def vacuum_analyze() -> None:
    with connection.cursor() as cursor:
        for model in (MicroProject, FundingLine, ProjectEvent, FollowUpVisit, Study, Contribution):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


def seed(count: int, users: dict) -> dict:
    rng = random.Random(20201117)  # noqa: S311 - test data, not secrets
    people = list(Beneficiary.objects.order_by("pk").values_list("pk", "province_id", "commune"))
    if len(people) < count:
        raise ValueError(f"{count:,} projects need as many beneficiaries; the seed has {len(people):,}.")
    leads = rng.sample(people, count)
    by_province: dict[int, list[int]] = {}
    for pk, province, _ in people:
        by_province.setdefault(province, []).append(pk)
    rows = {"lines": 0, "events": 0, "visits": 0}
    with transaction.atomic():
        with triggers_suspended(connection), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(project_tables())} RESTART IDENTITY CASCADE")
        cast = make_cast(users)
        with as_recorded():
            for start in range(0, count, CHUNK):
                written = write_chunk(leads[start : start + CHUNK], by_province, cast, rng)
                for key in rows:
                    rows[key] += written[key]
        write_contributions(cast)
    return rows


def make_cast(users: dict) -> Cast:
    partners = {partner.acronym: partner for partner in Partner.objects.all()}
    cast = Cast(
        partners=partners,
        submitter_for={users["province"].province_id: users["province"]},
        decider={"INDH": users["indh_national"], "FM6RD": users["fm6rd_national"]},
        visitor=users["anapec_national"],
        region_of=dict(Province.objects.values_list("pk", "region_id")),
    )
    cast.submitter_for[None] = users["national"]
    for region in Region.objects.order_by("code"):
        for year, phase in REGIONAL:
            cast.conventions[(region.pk, year)] = convention(f"R{region.code}-{year}", year, phase, region=region)
    for year, phase in NATIONAL:
        cast.conventions[(None, year)] = convention(f"NAT-{year}", year, phase)
    return cast


def convention(reference: str, year: int, phase: str, region=None) -> Convention:
    # The envelope is set with the contributions, once the approved lines are known.
    return Convention.objects.create(
        reference=PREFIX + reference,
        title=f"Réinsertion des détenus libérés ({reference})",
        scope=Convention.Scope.REGION if region else Convention.Scope.NATIONAL,
        region=region,
        year=year,
        indh_phase=phase,
        starts_on=date(year, 1, 1),
        ends_on=date(year + 4, 12, 31),
        envelope=Decimal("0"),
        target_beneficiaries=0,
    )


def convention_for(cast: Cast, region_id: int, drafted: date, rng: random.Random) -> Convention:
    if rng.random() < NATIONAL_SHARE:
        year = max(y for y, _ in NATIONAL if y <= max(drafted.year, NATIONAL[0][0]))
        return cast.conventions[(None, year)]
    year = max(y for y, _ in REGIONAL if y <= max(drafted.year, REGIONAL[0][0]))
    return cast.conventions[(region_id, year)]


@dataclass
class Drawn:
    """One project as drawn, before its rows are built."""

    project: MicroProject
    lines: list
    drafted: date
    rejected_by_study: bool = False


def write_chunk(leads, by_province, cast: Cast, rng: random.Random) -> dict:
    drawn = [draw(lead, cast, rng) for lead in leads]
    for item in drawn:
        decide_lines(item, cast)
    MicroProject.objects.bulk_create([item.project for item in drawn], batch_size=CHUNK)
    for item in drawn:
        for line in item.lines:
            line.project = item.project
    lines = [line for item in drawn for line in item.lines]
    FundingLine.objects.bulk_create(lines, batch_size=5000)
    studies, events, visits, shared = [], [], [], []
    for item in drawn:
        studies += study_rows(item, cast)
        events += event_rows(item, cast)
        found, visited = visit_rows(item, cast, rng)
        visits += found
        events += visited
        if rng.random() < COLLECTIVE_SHARE:
            partner = rng.choice(by_province[item.project.province_id])
            if partner != item.project.lead_id:
                shared.append(MicroProject.co_beneficiaries.through(microproject=item.project, beneficiary_id=partner))
    Study.objects.bulk_create(studies, batch_size=5000)
    ProjectEvent.objects.bulk_create(events, batch_size=5000)
    FollowUpVisit.objects.bulk_create(visits, batch_size=5000)
    MicroProject.co_beneficiaries.through.objects.bulk_create(shared, batch_size=5000)
    return {"lines": len(lines), "events": len(events), "visits": len(visits)}


def draw(lead, cast: Cast, rng: random.Random) -> Drawn:
    pk, province, commune = lead
    status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
    youngest, oldest = AGE_DAYS[status]
    drafted = max(EPOCH, timezone.localdate() - timedelta(days=rng.randrange(youngest, oldest)))
    submitted = drafted + timedelta(days=10)
    approved = drafted + timedelta(days=60)
    delivered = drafted + timedelta(days=120)
    title, sector, activity, _revenue = rng.choice(ACTIVITIES)
    chosen = convention_for(cast, cast.region_of[province], drafted, rng)
    lines = [
        FundingLine(partner=cast.partners["INDH"], convention=chosen, amount=amount(rng, 10, 40), kind="equipment")
    ]
    if rng.random() < FM6RD_SHARE:
        lines.append(
            FundingLine(partner=cast.partners["FM6RD"], convention=chosen, amount=amount(rng, 4, 15), kind="cash")
        )
    own = Decimal(rng.choice([0, 0, 500, 1000, 2000, 3000]))
    submitter = cast.submitter_for.get(province, cast.submitter_for[None])
    project = MicroProject(
        lead_id=pk,
        province_id=province,
        title=f"{title} à {commune}"[:200],
        sector=sector,
        activity=activity,
        commune=commune,
        total_cost=sum((line.amount for line in lines), own),
        own_contribution=own,
        expected_jobs=rng.choice([1, 1, 1, 2, 2, 3]),
        technical_partner=cast.partners["ANAPEC"],
        status=status,
        outcome=rng.choice(["thriving", "struggling", "closed_down", "abandoned"]) if status == Status.CLOSED else "",
        submitted_by=submitter if status != Status.DRAFT else None,
        submitted_at=at(submitted) if status != Status.DRAFT else None,
        approved_on=approved if status in APPROVED_STATUSES else None,
        first_delivery_on=delivered if status in DELIVERED_STATUSES else None,
        next_visit_due=next_visit(status, approved, rng),
        created_by=submitter,
        created_at=at(drafted),
    )
    if status == Status.WITHDRAWN and rng.random() < 0.5:  # withdrawn from draft: never submitted
        project.submitted_by = project.submitted_at = None
    return Drawn(project, lines, drafted, rejected_by_study=status == Status.REJECTED and rng.random() < 0.5)


def amount(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 20, high * 20) * 50)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=10))


def next_visit(status: str, approved: date, rng: random.Random) -> date | None:
    """Followed-up projects: a visit due from four months ago to a year ahead, some with none left."""
    if status not in FOLLOWED_UP:
        return None
    if status == Status.APPROVED:
        return add_months(approved, 3)
    if status == Status.OPERATING and rng.random() < 0.4:
        return None  # the 24-month visit was the last
    return timezone.localdate() + timedelta(days=rng.randrange(-120, 400))


def decide_lines(item: Drawn, cast: Cast) -> None:
    """Each line's decision as its project's status implies; the approved ones that commit are counted."""
    status = item.project.status
    decided = at(item.drafted + timedelta(days=55))
    for number, line in enumerate(item.lines):
        if status in APPROVED_STATUSES or (status == Status.STUDIED and number > 0):
            line.decision = Decision.APPROVED
        elif status == Status.REJECTED and not item.rejected_by_study and number == 0:
            line.decision, line.decision_reason = Decision.REJECTED, "Devis au-dessus des prix du marché."
        else:
            continue
        line.decided_by, line.decided_at = cast.decider[line.partner.acronym], decided
        if line.decision == Decision.APPROVED and status in COMMITTING:
            key = (line.convention_id, line.partner_id)
            cast.committed[key] = cast.committed.get(key, Decimal("0")) + line.amount


def study_rows(item: Drawn, cast: Cast) -> list[Study]:
    project = item.project
    if project.status in (Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN):
        return []
    return [
        Study(
            project=project,
            revision=1,
            partner=cast.partners["ANAPEC"],
            feasible=not item.rejected_by_study,
            expected_monthly_revenue=Decimal(3500),
            recommended_amount=project.total_cost - project.own_contribution,
            recorded_by=cast.visitor,
            recorded_at=at(item.drafted + timedelta(days=30)),
        )
    ]


def event_rows(item: Drawn, cast: Cast) -> list[ProjectEvent]:
    """The events the transitions would have written, in order."""
    project, status, day = item.project, item.project.status, item.drafted
    events = []

    def add(action, from_status, to_status, days, by, line=None):
        events.append(event(project, by, action, from_status, to_status, at(day + timedelta(days=days)), line))

    submitter = project.created_by
    if project.submitted_at:
        add(Action.SUBMIT, Status.DRAFT, Status.SUBMITTED, 10, submitter)
    if status == Status.WITHDRAWN:
        add(Action.WITHDRAW, Status.SUBMITTED if project.submitted_at else Status.DRAFT, status, 20, submitter)
    if project.status in (Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN):
        return events
    add(Action.STUDY, Status.SUBMITTED, Status.REJECTED if item.rejected_by_study else Status.STUDIED, 30, cast.visitor)
    for line in item.lines:
        if line.decision == Decision.APPROVED:
            add(Action.APPROVE_LINE, Status.STUDIED, Status.STUDIED, 55, line.decided_by, line)
        elif line.decision == Decision.REJECTED:
            add(Action.REJECT_LINE, Status.STUDIED, Status.REJECTED, 55, line.decided_by, line)
    if status in APPROVED_STATUSES:
        add(Action.APPROVE, Status.STUDIED, Status.APPROVED, 60, item.lines[-1].decided_by)
    if status in DELIVERED_STATUSES:
        handed = Status.IN_HANDOVER if status == Status.IN_HANDOVER else Status.FUNDED
        add(Action.HANDOVER, Status.APPROVED, handed, 120, submitter)
    return events


def visit_rows(item: Drawn, cast: Cast, rng: random.Random) -> tuple[list, list]:
    """Operating and closed businesses were visited once to three times, each visit with its event;
    a closed one was then closed by the staff."""
    project = item.project
    if project.status not in (Status.OPERATING, Status.CLOSED):
        return [], []
    visits, events = [], []
    yesterday = timezone.localdate() - timedelta(days=1)
    for number in range(rng.randint(1, 3)):
        visited = min(add_months(project.first_delivery_on, 3 + number * 9), yesterday)
        visit = FollowUpVisit(
            project=project,
            visited_on=visited,
            visitor=cast.visitor,
            business_status=FollowUpVisit.BusinessStatus.OPERATING,
            monthly_revenue=Decimal(rng.randrange(20, 80) * 100),
            jobs=rng.choice([1, 1, 2]),
            recorded_at=at(visited),
        )
        visits.append(visit)
        before = Status.FUNDED if number == 0 else Status.OPERATING
        events.append(event(project, cast.visitor, Action.VISIT, before, Status.OPERATING, at(visited)))
    if project.status == Status.CLOSED:
        closed = at(visits[-1].visited_on + timedelta(days=1))
        events.append(event(project, project.created_by, Action.CLOSE, Status.OPERATING, Status.CLOSED, closed))
    return visits, events


def event(project, by, action, from_status, to_status, moment, line=None) -> ProjectEvent:
    return ProjectEvent(
        project=project, by=by, action=action, from_status=from_status, to_status=to_status, line=line, at=moment
    )


def write_contributions(cast: Cast) -> None:
    """Each party's contribution above what it committed (with room for the approvals the bench
    makes), and each envelope the sum of its contributions: the invariants hold by construction."""
    contributions = []
    for convention_ in cast.conventions.values():
        total = Decimal("0")
        for acronym in ("INDH", "FM6RD", "ANAPEC"):
            partner = cast.partners[acronym]
            committed = cast.committed.get((convention_.pk, partner.pk), Decimal("0"))
            amount_ = (
                Decimal("0") if acronym == "ANAPEC" else (committed * Decimal("1.2")).quantize(Decimal("1")) + 500_000
            )
            contributions.append(Contribution(convention=convention_, partner=partner, amount=amount_))
            total += amount_
        convention_.envelope = total
    Contribution.objects.bulk_create(contributions)
    Convention.objects.bulk_update(list(cast.conventions.values()), ["envelope"])
