"""The 2015–2019 convention's 78 funded projects, brought in through the history import.

Idmaj did not exist then: the province kept them in a spreadsheet. The demo ships that spreadsheet
(demo_data/khemisset-2016-2019.xlsx, written once by demo_data/make_history_sheet.py from
`history_rows`, deterministic) and loads it through the import's own plan and write, as a member
of staff would: so every `make run` exercises the import. What happened to the businesses since
(their follow-up visits, some overdue and some due soon, and two closures today) then goes through
the project transitions. Idempotent: the import finds the projects already imported.
"""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.db.models import Count, Sum
from django.utils import timezone, translation

from beneficiaries import demo as registry_demo
from beneficiaries.importing import render_all
from disbursements.history import build_history_plan, read_history, write_history
from disbursements.models import LedgerEntry
from projects.demo_cast import (
    ACTIVITIES,
    COMMUNES,
    FAMILIES,
    HISTORIC,
    HISTORIC_COUNT,
    HISTORIC_TOTAL,
    MEN,
    WOMEN,
    ZERO,
    Cast,
    consents,
)
from projects.models import FollowUpVisit, FundingLine, MicroProject
from projects.models.workflow import add_months

SHEET = Path(__file__).parent / "demo_data" / "khemisset-2016-2019.xlsx"
# The sheet's headers, in French as the province keeps it (the import reads any of the three languages).
HEADERS = [
    "CIN", "Prénom", "Nom", "Prénom arabe", "Nom arabe", "Sexe", "Date de naissance", "Téléphone",
    "Date de libération", "Établissement pénitentiaire", "Source d'orientation", "Titre du projet", "Secteur",
    "Commune", "Coût total", "Apport personnel", "Référence convention", "Partenaire", "Montant", "Nature",
    "Date de remise", "Partenaire technique",
]  # fmt: skip
CASH_LINE = Decimal("4000")

VISIT_NOTES = [
    "Activité régulière, clientèle fidèle.",
    "Bonne tenue du local ; le bénéficiaire envisage d'embaucher un apprenti.",
    "Baisse des ventes ces derniers mois ; conseils de gestion donnés.",
    "Matériel en bon état et utilisé chaque jour.",
]
# The last deliveries (2019), whose first visit was never recorded: still "funded", their visits
# long overdue. The first of them is visited now.
NEVER_VISITED = range(HISTORIC_COUNT - 6, HISTORIC_COUNT)
VISITED_NOW = (HISTORIC_COUNT - 6, 20, 21, 22)
CLOSED_THRIVING, CLOSED_DOWN = 0, 10
# Followed up beyond the 24 months: the next yearly visit falls due within days, or fell due weeks ago.
DUE_SOON = {30: 5, 31: 9, 32: 12}
OVERDUE = {40: 20, 41: 45}
NEXT_VISIT_WITHIN = timedelta(days=700)  # a next visit further away is refused as a typo


def historic_amounts() -> list[Decimal]:
    """78 amounts of INDH funding adding up to exactly 1,832,227 MAD, the figure of the province's report."""
    amounts = [Decimal(18000 + (index * 37 % 23) * 500) for index in range(HISTORIC_COUNT - 1)]
    return [*amounts, HISTORIC_TOTAL - sum(amounts)]


def submitted_on(index: int) -> date:
    return date(2015, 10, 1) + timedelta(days=index * 17)


def delivered_on(index: int) -> date:
    return submitted_on(index) + timedelta(days=110)


def released_on(index: int) -> date:
    return submitted_on(index) - timedelta(days=150)


def cin_of(index: int) -> str:
    return f"XA{200000 + index}"


def person_cells(index: int) -> list:
    """The person as the province's file has them (the registry's demo people of projects/demo_cast)."""
    woman = index % 5 == 2
    first, first_ar = WOMEN[index % len(WOMEN)] if woman else MEN[index % len(MEN)]
    last, last_ar = FAMILIES[(index * 7 + index // len(FAMILIES)) % len(FAMILIES)]
    return [
        cin_of(index),
        first,
        last,
        first_ar,
        last_ar,
        "F" if woman else "M",
        date(1976, 3, 10) + timedelta(days=index * 83),
        f"+2126{62000000 + index * 1733:08d}",
        released_on(index),
        registry_demo.PRISONS[index % len(registry_demo.PRISONS)],
        "fondation" if index % 3 else "prison",
    ]


def history_rows() -> list[list]:
    """One row per funding line: 78 projects, every fifth with a working capital in cash besides its
    equipment; the INDH lines total the report's 1,832,227 MAD."""
    rows = []
    with translation.override("fr"):
        for index, amount in enumerate(historic_amounts()):
            title, sector, _activity, _revenue = ACTIVITIES[index % len(ACTIVITIES)]
            commune = COMMUNES[index % len(COMMUNES)]
            lines = [(amount, "Matériel")]
            if index % 5 == 0:
                lines = [(amount - CASH_LINE, "Matériel"), (CASH_LINE, "Espèces")]
            own = Decimal(index % 4 * 500)
            cost = sum((line for line, _ in lines), own)
            for line, kind in lines:
                project = [f"{title} à {commune}", str(sector.label), commune, cost, own, HISTORIC, "INDH", line, kind]
                rows.append([*person_cells(index), *project, delivered_on(index), "ANAPEC"])
    return rows


def load(stdout=None):
    cast = Cast.find()
    table = read_history(SHEET.read_bytes(), SHEET.name)
    plan = build_history_plan(table, cast.province)
    if plan.counts["invalid"]:
        problems = "; ".join(f"row {p['row']}: {p['message']}" for p in render_all(plan.problems[:5]))
        raise RuntimeError(f"The demo's history sheet has invalid rows: {problems}")
    done = write_history(plan, by=cast.staff, source=SHEET.name)
    imported = MicroProject.objects.filter(pk__in=done["projects"]).select_related("lead")
    for project in sorted(imported, key=lambda project: project.lead.cin):
        index = int(project.lead.cin[2:]) - 200000
        complete_record(project.lead, index, cast)
        consents(project.lead, released_on(index) + timedelta(days=30), cast.staff)
        if index not in NEVER_VISITED:
            follow_up(project, cast, index)
        present_day(project, cast, index)
    if stdout:
        summary(stdout, cast, done)


def complete_record(person, index, cast) -> None:
    """What the province's social worker adds to the record the import registered (columns the
    import does not take: the support centre, skills, education, dependants)."""
    person.support_centre = "Centre d'accompagnement de Salé"
    person.skills = registry_demo.TRADES[index % len(registry_demo.TRADES)]
    person.education = ["primary", "lower_secondary", "vocational", "none"][index % 4]
    person.dependants = index % 5
    person._history_user = cast.staff
    person.save(update_fields=["support_centre", "skills", "education", "dependants", "updated_at"])


def revenue(index: int) -> int:
    return ACTIVITIES[index % len(ACTIVITIES)][3]


def follow_up(project, cast, index) -> None:
    """The 3-, 12- and 24-month visits, recorded now from the province's files; some businesses
    are followed up yearly since."""
    today = timezone.localdate()
    days = [add_months(project.first_delivery_on, months) for months in (3, 12, 24)]
    last_due = None
    if index in DUE_SOON:
        days.append(add_months(today, -11))
        last_due = today + timedelta(days=DUE_SOON[index])
    elif index in OVERDUE:
        days.append(add_months(today, -7))
        last_due = today - timedelta(days=OVERDUE[index])
    for number, day in enumerate(days):
        following = days[number + 1] if number + 1 < len(days) else last_due
        if following and following - day > NEXT_VISIT_WITHIN:
            following = None  # the yearly visits resumed years later: no date was set then
        struggling = (index + number) % 7 == 3
        project.record_visit(
            by=cast.anapec,
            visited_on=day,
            business_status=(
                FollowUpVisit.BusinessStatus.STRUGGLING if struggling else FollowUpVisit.BusinessStatus.OPERATING
            ),
            monthly_revenue=Decimal(revenue(index) - (1200 if struggling else 0) + number * 250),
            jobs=1 + (index + number) % 3 // 2,
            notes=VISIT_NOTES[2 if struggling else (index + number) % len(VISIT_NOTES)],
            next_visit_due=following,
        )


def present_day(project, cast, index) -> None:
    """What happens to a historic project today."""
    today = timezone.localdate()
    if index in VISITED_NOW:
        project.record_visit(
            by=cast.anapec,
            visited_on=today - timedelta(days=3 + index % 5),
            business_status=FollowUpVisit.BusinessStatus.OPERATING,
            monthly_revenue=Decimal(revenue(index)),
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


def summary(stdout, cast, done) -> None:
    funded = FundingLine.objects.committing().filter(convention=cast.historic)
    historic = funded.aggregate(projects=Count("project", distinct=True), total=Sum("amount"))
    delivered = LedgerEntry.objects.filter(line__convention=cast.historic).total()
    stdout.write(
        f"History import ({SHEET.name}): {done['projects_new']} projects imported, "
        f"{done['projects_unchanged']} unchanged."
    )
    stdout.write(f"  {HISTORIC}: {historic['projects']} funded for {historic['total'] or ZERO:,.2f} MAD")
    stdout.write(f"  {HISTORIC}: {delivered:,.2f} MAD delivered in the ledger")
    due = MicroProject.objects.visits_due(cast.staff)
    overdue = due.filter(next_visit_due__lt=timezone.localdate()).count()
    stdout.write(f"  Follow-up visits due: {due.count()} ({overdue} overdue)")
