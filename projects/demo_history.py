"""The 2015–2019 convention's 78 funded projects: the history import's stand-in.

Idmaj did not exist then: a province's past comes in through the history import (DESIGN.md §3).
Until it exists, this writes those rows directly (project, funding lines approved, study, events,
handover, follow-up visits), with the dates of the province's records (`as_recorded`). What happens
to them today (a visit, a closure) goes through the transitions.
"""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from beneficiaries.models import Beneficiary
from projects.demo_cast import (
    ACTIVITIES,
    COMMUNES,
    HISTORIC_COUNT,
    HISTORIC_TOTAL,
    ZERO,
    Action,
    Cast,
    Kind,
    Plan,
    Status,
    draft,
    new_person,
)
from projects.models import FollowUpVisit, FundingLine, MicroProject, ProjectEvent, Study
from projects.models.project import FOLLOW_UP_MONTHS, add_months

VISIT_NOTES = [
    "Activité régulière, clientèle fidèle.",
    "Bonne tenue du local ; le bénéficiaire envisage d'embaucher un apprenti.",
    "Baisse des ventes ces derniers mois ; conseils de gestion donnés.",
    "Matériel en bon état et utilisé chaque jour.",
]


def historic_amounts() -> list[Decimal]:
    """78 amounts of INDH funding adding up to exactly 1,832,227 MAD, the figure of the province's report."""
    amounts = [Decimal(18000 + (index * 37 % 23) * 500) for index in range(HISTORIC_COUNT - 1)]
    return [*amounts, HISTORIC_TOTAL - sum(amounts)]


# The last deliveries (2019), whose first visit was never recorded: still "funded", their 3-month
# visit long overdue. The first of them is visited now, through record_visit.
NEVER_VISITED = range(HISTORIC_COUNT - 6, HISTORIC_COUNT)
VISITED_NOW = (HISTORIC_COUNT - 6, 20, 21, 22)
CLOSED_THRIVING, CLOSED_DOWN = 0, 10
# Followed up beyond the 24 months: the next yearly visit falls due within days, or fell due weeks ago.
DUE_SOON = {30: 5, 31: 9, 32: 12}
OVERDUE = {40: 20, 41: 45}


@contextmanager
def as_recorded():
    """Let the rows written inside keep the dates of the province's records, where `auto_now_add`
    would date a 2016 submission today. Only for the history import's stand-in (and the bench's
    seed, which dates its projects over ten years)."""
    fields = [
        MicroProject._meta.get_field("created_at"),
        Study._meta.get_field("recorded_at"),
        ProjectEvent._meta.get_field("at"),
        FollowUpVisit._meta.get_field("recorded_at"),
    ]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def add_historic(cast: Cast, index: int) -> int:
    amount = historic_amounts()[index]
    # Every fifth project also got a working capital in cash; the total stays the report's.
    lines = [("INDH", cast.historic, amount, Kind.EQUIPMENT)]
    if index % 5 == 0:
        lines = [("INDH", cast.historic, amount - 4000, Kind.EQUIPMENT), ("INDH", cast.historic, 4000, Kind.CASH)]
    commune = COMMUNES[index % len(COMMUNES)]
    plan = Plan(activity=index % len(ACTIVITIES), commune=commune, lines=lines, own=Decimal(index % 4 * 500))
    submitted = date(2015, 10, 1) + timedelta(days=index * 17)
    studied, approved, delivered = (submitted + timedelta(days=days) for days in (21, 45, 110))
    visited = index not in NEVER_VISITED
    # The person's status as the province's file has it: funded, and followed up once visited.
    person = new_person(
        index,
        released=submitted - timedelta(days=150),
        commune=commune,
        status=Beneficiary.Status.FOLLOWED_UP if visited else Beneficiary.Status.FUNDED,
        cast=cast,
    )
    if MicroProject.objects.filter(lead=person, title=plan.title).exists():
        return 0
    with as_recorded():
        project = draft(
            cast,
            person,
            plan,
            status=Status.FUNDED,
            submitted_by=cast.staff,
            submitted_at=moment(submitted),
            approved_on=approved,
            first_delivery_on=delivered,
            next_visit_due=add_months(delivered, FOLLOW_UP_MONTHS[0]),
            created_at=moment(submitted - timedelta(days=10)),
        )
        write_history(project, plan, cast, (submitted, studied, approved, delivered))
        if visited:
            write_visits(project, plan, cast, index)
    present_day(project, plan, cast, index)
    return 1


def write_history(project, plan, cast, dates) -> None:
    """The events and the study of a project funded before Idmaj, as the province's file tells them."""
    submitted, studied, approved, delivered = dates
    event(project, cast.staff, Action.SUBMIT, Status.DRAFT, Status.SUBMITTED, moment(submitted))
    record = Study(
        project=project,
        revision=1,
        partner=cast.partners["ANAPEC"],
        feasible=True,
        expected_monthly_revenue=Decimal(plan.revenue),
        recommended_amount=project.total_cost - project.own_contribution,
        notes="Étude technique et financière favorable (dossier papier).",
        recorded_by=cast.anapec,
        recorded_at=moment(studied),
    )
    record._history_user = cast.anapec
    record.save()
    event(project, cast.anapec, Action.STUDY, Status.SUBMITTED, Status.STUDIED, moment(studied))
    for line in project.lines.all():
        line.decision, line.decided_by, line.decided_at = FundingLine.Decision.APPROVED, cast.indh, moment(approved)
        line._history_user = cast.indh
        line.save(update_fields=["decision", "decided_by", "decided_at"])
        event(project, cast.indh, Action.APPROVE_LINE, Status.STUDIED, Status.STUDIED, moment(approved), line=line)
    event(project, cast.indh, Action.APPROVE, Status.STUDIED, Status.APPROVED, moment(approved, 11))
    event(
        project,
        cast.staff,
        Action.HANDOVER,
        Status.APPROVED,
        Status.FUNDED,
        moment(delivered),
        comment="Remise du matériel et de l'aide financière (registre de la province).",
    )


def write_visits(project, plan, cast, index) -> None:
    """The 3-, 12- and 24-month visits; some businesses are followed up yearly since."""
    today = timezone.localdate()
    days = [add_months(project.first_delivery_on, months) for months in (3, 12, 24)]
    last_due = None
    if index in DUE_SOON:
        days.append(add_months(today, -11))
        last_due = today + timedelta(days=DUE_SOON[index])
    elif index in OVERDUE:
        days.append(add_months(today, -7))
        last_due = today - timedelta(days=OVERDUE[index])
    status = Status.FUNDED
    for number, day in enumerate(days):
        following = days[number + 1] if number + 1 < len(days) else last_due
        struggling = (index + number) % 7 == 3
        found = FollowUpVisit.BusinessStatus.STRUGGLING if struggling else FollowUpVisit.BusinessStatus.OPERATING
        visit = FollowUpVisit(
            project=project,
            visited_on=day,
            visitor=cast.anapec,
            business_status=found,
            monthly_revenue=Decimal(plan.revenue - (1200 if struggling else 0) + number * 250),
            jobs=1 + (index + number) % 3 // 2,
            notes=VISIT_NOTES[2 if struggling else (index + number) % len(VISIT_NOTES)],
            next_visit_due=following,
            recorded_at=moment(day, 16),
        )
        visit._history_user = cast.anapec
        visit.save()
        event(project, cast.anapec, Action.VISIT, status, Status.OPERATING, moment(day, 16), comment=visit.notes)
        status = Status.OPERATING
    project.status, project.next_visit_due = Status.OPERATING, last_due
    project._history_user = cast.anapec
    project.save(update_fields=["status", "next_visit_due", "updated_at"])


def present_day(project, plan, cast, index) -> None:
    """What happens to a historic project today goes through the transitions."""
    today = timezone.localdate()
    if index in VISITED_NOW:
        project.record_visit(
            by=cast.anapec,
            visited_on=today - timedelta(days=3 + index % 5),
            business_status=FollowUpVisit.BusinessStatus.OPERATING,
            monthly_revenue=Decimal(plan.revenue),
            jobs=2,
            notes="Visite annuelle : l'activité se maintient.",
            next_visit_due=add_months(today, 6),
        )
    elif index == CLOSED_THRIVING:
        project.close(
            by=cast.staff,
            outcome=MicroProject.Outcome.THRIVING,
            comment="Activité autonome et rentable après plus de cinq ans de suivi : fin de l'accompagnement.",
        )
    elif index == CLOSED_DOWN:
        project.record_visit(
            by=cast.anapec,
            visited_on=today - timedelta(days=4),
            business_status=FollowUpVisit.BusinessStatus.CLOSED,
            equipment_in_use=False,
            monthly_revenue=ZERO,
            jobs=0,
            notes="Local fermé ; le bénéficiaire a quitté la commune et revendu le matériel.",
        )


def event(project, by, action, from_status, to_status, at, *, line=None, comment="") -> None:
    ProjectEvent.objects.create(
        project=project,
        by=by,
        action=action,
        from_status=from_status,
        to_status=to_status,
        line=line,
        revision=1,
        comment=comment,
        at=at,
    )
