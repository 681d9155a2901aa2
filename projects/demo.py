"""The micro-projects of the Khémisset story (DESIGN.md §1), on the conventions of partners/demo.py.

- The 78 projects funded under KHE-2015-INDH-II in 2016–2019 are not here: Idmaj did not exist
  then, and they come in through the history import from the province's spreadsheet
  (disbursements/demo_history.py, run after this part).
- Under KHE-2020-FM6RD-CPDH, through the transitions (submitted by khemisset.staff, studied by
  ANAPEC's rsk.coordinator, each line approved by its partner's coordinator): the 11 projects of
  the governor's ceremony, more than 322,000 MAD financed by INDH, and 51 more approved and waiting
  for their equipment.
- A project at each other step of the workflow, for demo people who were only "accompanied".

Idempotent: a person is found by their CIN, a project by its lead and title.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Sum

from beneficiaries import demo as registry_demo
from beneficiaries.models import Beneficiary
from projects.demo_cast import (
    ACTIVITIES,
    COMMUNES,
    CURRENT,
    HISTORIC_COUNT,
    ZERO,
    Cast,
    Kind,
    Plan,
    Status,
    consents,
    draft,
    new_person,
    study,
)
from projects.models import FundingLine, MicroProject

# The amounts of INDH's lines of the 11 projects handed over at the governor's ceremony ("more than 322,000 MAD").
CEREMONY_AMOUNTS = [29800, 31500, 27350, 30000, 28600, 32400, 26900, 29250, 30700, 27800, 28350]
WAITING_COUNT = 51  # "51 more will benefit in the coming days"
CEREMONY_COMMENT = "Remise du matériel prévue à la cérémonie présidée par le gouverneur de la province."
WAITING_COMMENT = "Accord de financement ; remise du matériel dans les prochains jours."


def load(stdout):
    cast = Cast.find()
    added = 0
    for index in range(len(CEREMONY_AMOUNTS) + WAITING_COUNT):
        added += add_approved(cast, index)
    added += add_pipeline(cast)
    summary(stdout, cast, added)


# ----- the 2020 convention: through the transitions ---------------------------------------------------


def approved_plan(cast: Cast, index: int) -> Plan:
    """The index-th project approved under the 2020 convention: the ceremony's 11 first (INDH only),
    then the 51 waiting, a third of them co-financed by the Foundation and the first a cooperative."""
    commune = COMMUNES[(index + 3) % len(COMMUNES)]
    own = Decimal(index % 4 * 500)
    if index < len(CEREMONY_AMOUNTS):
        lines = [("INDH", cast.current, CEREMONY_AMOUNTS[index], Kind.EQUIPMENT)]
        return Plan(activity=(index * 5) % len(ACTIVITIES), commune=commune, lines=lines, own=own)
    waiting = index - len(CEREMONY_AMOUNTS)
    if waiting == 0:
        lines = [("INDH", cast.current, 45000, Kind.EQUIPMENT), ("FM6RD", cast.current, 15000, Kind.CASH)]
        return Plan(activity=2, commune="Ait Ikkou", lines=lines, own=Decimal(3000), jobs=3)  # a flock for three
    lines = [("INDH", cast.current, 12000 + (waiting * 5 % 9) * 1000, Kind.EQUIPMENT)]
    if waiting % 3 == 0:
        lines.append(("FM6RD", cast.current, 8000 + (waiting % 4) * 500, Kind.CASH))
    return Plan(activity=(index * 7) % len(ACTIVITIES), commune=commune, lines=lines, own=own, jobs=1 + waiting % 2)


def add_approved(cast: Cast, index: int) -> int:
    plan = approved_plan(cast, index)
    number = HISTORIC_COUNT + index
    person = new_person(
        number,
        released=date(2018, 6, 1) + timedelta(days=index * 10),
        commune=plan.commune,
        status=Beneficiary.Status.ACCOMPANIED,
        cast=cast,
    )
    project = draft(cast, person, plan)
    if project is None:
        return 0
    if index == len(CEREMONY_AMOUNTS):  # the cooperative: two partners of the lead
        partners = [
            new_person(
                HISTORIC_COUNT + len(CEREMONY_AMOUNTS) + WAITING_COUNT + extra,
                released=date(2019, 2, 1) + timedelta(days=extra * 40),
                commune=plan.commune,
                status=Beneficiary.Status.ACCOMPANIED,
                cast=cast,
            )
            for extra in range(2)
        ]
        project.co_beneficiaries.add(*partners)
    project.submit(by=cast.staff)
    study(project, plan, cast)
    comment = CEREMONY_COMMENT if index < len(CEREMONY_AMOUNTS) else WAITING_COMMENT
    for line in project.lines.select_related("partner"):
        project.approve_line(line, by=cast.approver(line), comment=comment)
    return 1


def ceremony_projects():
    """The 11 projects of the governor's ceremony (their approval says so)."""
    return MicroProject.objects.filter(
        lines__convention__reference=CURRENT, events__comment=CEREMONY_COMMENT
    ).distinct()


# ----- the other steps of the workflow, for the demo people who were "accompanied" -------------------


def add_pipeline(cast: Cast) -> int:
    """One project per remaining step, led by the people of beneficiaries/demo.py (indices 15–27)."""
    current = cast.current
    steps = [
        # (person, activity, lines, own, what happens)
        (15, 4, [], 1000, "draft_without_lines"),  # 24,000 MAD, no line yet
        (16, 8, [("INDH", current, 34000, Kind.EQUIPMENT)], 2000, "reopened"),
        (17, 1, [("INDH", current, 21000, Kind.EQUIPMENT)], 1000, "submitted"),
        (18, 3, [("INDH", current, 27500, Kind.EQUIPMENT)], 1500, "submitted"),
        (19, 0, [("INDH", current, 16000, Kind.EQUIPMENT)], 0, "submitted"),
        (20, 5, [("INDH", current, 24000, Kind.EQUIPMENT)], 2000, "studied"),
        (21, 2, [("INDH", current, 26500, Kind.EQUIPMENT)], 1500, "studied"),
        (22, 6, [("INDH", current, 19800, Kind.EQUIPMENT)], 500, "studied"),
        (23, 14, [("INDH", current, 18000, Kind.EQUIPMENT), ("FM6RD", current, 9000, Kind.CASH)], 1000, "fm6rd"),
        (24, 7, [("INDH", current, 30000, Kind.EQUIPMENT)], 0, "not_feasible"),
        (25, 10, [("INDH", current, 38000, Kind.EQUIPMENT)], 2000, "line_rejected"),
        (26, 11, [("INDH", current, 22000, Kind.EQUIPMENT)], 1000, "withdrawn_submitted"),
        (27, 17, [("INDH", current, 15000, Kind.EQUIPMENT)], 0, "withdrawn_draft"),
    ]
    added = 0
    for index, activity, lines, own, step in steps:
        person = Beneficiary.objects.filter(cin=registry_demo.person(index)["cin"]).first()
        if person is None:
            continue  # someone removed this demo person: their project goes with them
        consents(person, person.release_date + timedelta(days=25), cast.staff)
        plan = Plan(activity, person.commune, lines, own=Decimal(own), cost=None if lines else Decimal(24000))
        project = draft(cast, person, plan)
        if project is None:
            continue
        PIPELINE_STEPS[step](project, plan, cast)
        added += 1
    return added


def to_studied(project, plan, cast) -> None:
    project.submit(by=cast.staff)
    study(project, plan, cast)


def reopened(project, plan, cast) -> None:
    to_studied(project, plan, cast)
    project.reject_line(
        project.lines.get(),
        by=cast.indh,
        reason="Le devis du matériel dépasse les prix du marché : revoir le devis à la baisse.",
    )
    project.reopen(by=cast.staff, comment="Nouveau devis demandé au fournisseur.")
    # The new quotation is lower: the plan no longer adds up until the line is corrected.
    project.total_cost -= 4000
    project._history_user = cast.staff
    project.save(update_fields=["total_cost", "updated_at"])


def fm6rd_waiting(project, plan, cast) -> None:
    to_studied(project, plan, cast)
    project.approve_line(project.lines.get(partner__acronym="INDH"), by=cast.indh)


def not_feasible(project, plan, cast) -> None:
    project.submit(by=cast.staff)
    study(
        project,
        plan,
        cast,
        feasible=False,
        notes="Trois snacks sur la même rue et un local trop petit : projet non viable.",
    )


def line_rejected(project, plan, cast) -> None:
    to_studied(project, plan, cast)
    project.reject_line(
        project.lines.get(),
        by=cast.indh,
        reason="Le triporteur demandé dépasse le plafond par projet fixé par le comité provincial.",
    )


def withdrawn_submitted(project, plan, cast) -> None:
    project.submit(by=cast.staff)
    project.withdraw(by=cast.staff, reason="Le bénéficiaire s'installe à Kénitra auprès de sa famille.")


def withdrawn_draft(project, plan, cast) -> None:
    project.withdraw(by=cast.staff, reason="Le bénéficiaire a trouvé un emploi salarié dans une usine de Tiflet.")


PIPELINE_STEPS = {
    "draft_without_lines": lambda project, plan, cast: None,
    "reopened": reopened,
    "submitted": lambda project, plan, cast: project.submit(by=cast.staff),
    "studied": to_studied,
    "fm6rd": fm6rd_waiting,
    "not_feasible": not_feasible,
    "line_rejected": line_rejected,
    "withdrawn_submitted": withdrawn_submitted,
    "withdrawn_draft": withdrawn_draft,
}


# ----- what load_demo prints ---------------------------------------------------------------------------


def summary(stdout, cast: Cast, added: int) -> None:
    approved = MicroProject.objects.filter(status=Status.APPROVED, lines__convention=cast.current).distinct()
    ceremony = FundingLine.objects.filter(project__in=ceremony_projects(), partner__acronym="INDH")
    ceremony_total = ceremony.aggregate(total=Sum("amount"))["total"] or ZERO
    in_khemisset = MicroProject.objects.filter(province=cast.province)
    by_status = dict(in_khemisset.values("status").annotate(count=Count("pk")).values_list("status", "count"))
    stdout.write(f"Demo projects: {added} added, {sum(by_status.values())} in Khémisset.")
    stdout.write(
        f"  {CURRENT}: {approved.count()} approved, {ceremony_projects().count()} of them for the ceremony "
        f"({ceremony_total:,.2f} MAD from INDH)"
    )
    stdout.write(
        "  " + ", ".join(f"{Status(status).label.lower()} {count}" for status, count in sorted(by_status.items()))
    )
