"""A small world built by hand through the real workflow, whose every figure the tests derive on paper.

Places: Khémisset (K, 04.291) and Rabat (R, 04.421) in region 04; Casablanca (C, 06.141) in region 06.
Conventions (envelope, target; contributions):
- CK  "KHE-2025-CONV"  Khémisset, 2025, phase III, 500,000, 10;  INDH 300,000, FM6RD 200,000, ANAPEC 0
- CR  "RSK-2024-CONV"  region 04, 2024, no phase, 400,000, 20;   INDH 250,000, FM6RD 150,000
- NAT "NAT-2024-CONV"  national, 2024, phase III, 1,000,000, 50; INDH 600,000, FM6RD 400,000
- HIST "KHE-2016-HIST" Khémisset, 2016, phase II, 2,200,000, 80; INDH 100,000, FM6RD 50,000 (history)

T is today. Dates in the past are reached the workflow's way: the approval is moved back with
`approved_back_on` (an UPDATE, as the disbursements tests do: the workflow approves "today"), then
deliveries and visits are recorded on past dates, which the workflow accepts (not before the approval,
not after today, visits in order). D8 = T−26 months, D10 = T−20 months, D7 = T−3 months.

Projects (lead: sex, age; lines; cost; expected jobs):
K  P1  draft        crafts       L1 M22            CK INDH 10,000 eq
K  P2  submitted    trade        L2 M30            CK INDH 11,000 eq
K  P3  studied      crafts       L3 F40            CK INDH 12,000 eq
K  P4  approved     catering     L4 M28            CK INDH 20,000 eq + NAT FM6RD 5,000 cash, own 1,000 → 26,000; jobs 2
       planned: CK INDH 20,000 equipment one month from T
K  P5  rejected     agriculture  L5 M50            CK FM6RD 4,000 cash (approved) + CK INDH 10,000 eq (rejected)
K  P6  withdrawn    trade        L6 F33            CK INDH 9,000 eq (submitted, withdrawn)
K  P7  in_handover  trade        L7 M26 + C7 F24   CK INDH 12,000 eq + CK FM6RD 6,000 cash → 18,000; jobs 2
       both delivered on D7, the cash reversed today; a visit at T−1 month (operating, 2 jobs, next T+30 days)
K  P8  funded       repair       L8 M38            CK INDH 15,000 eq; delivered D8; no visit; jobs 1
K  P9  operating    agriculture  L9 M45 + L8       CK FM6RD 20,000 cash; delivered D8; jobs 3; visits D8+7 (operating,
       2 jobs), D8+13 (operating, 3), D8+25 (struggling, 3 jobs, next T+10 days)
K  P10 closed       repair       L10 F36           CK INDH 10,000 cash; delivered D10; visits D10+7 (operating, 1),
       D10+14 (closed, 0)
K  history (HIST), imported: H1 (XR700001, M42, registered first) crafts INDH 20,000 eq of 22,000, delivered
       15/03/2017 at a ceremony in Khémisset; H2 (XR700002, F39, registered by the file) trade FM6RD 8,000 cash,
       delivered 20/04/2017
K  I1 F60 registered last year, no project
R  R1  operating    trade        RL1 F31           CR INDH 30,000 eq; delivered D7; a visit at T−1 month (1 job,
       next T+60 days); jobs 2
R  R2  draft        crafts       RL2 M19           CR FM6RD 5,000 cash
C  C1  funded       digital      CL1 M29           NAT INDH 40,000 eq; delivered D8; no visit; jobs 4
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from beneficiaries.models import Beneficiary
from beneficiaries.models.beneficiary import years_before
from disbursements.history import build_history_plan, read_history, write_history
from disbursements.models import Handover
from partners.models import Convention
from projects.models import FollowUpVisit
from projects.models.workflow import add_months
from tests.disbursements.history_sheets import history_csv, line, new_person, past_convention
from tests.disbursements.stages import approved_back_on, item
from tests.factories import (
    BeneficiaryFactory,
    ConventionFactory,
    ProjectFactory,
    UserFactory,
    consent,
    contribute,
    fund,
    partner,
    province,
    region,
)
from tests.projects.workflow_stages import line_of

KHEMISSET, RABAT, CASABLANCA = "04.291", "04.421", "06.141"
Operating = FollowUpVisit.BusinessStatus


def today() -> date:
    return timezone.localdate()


def born(age: int) -> date:
    """Someone who turned `age` 100 days ago: the same age band all year round."""
    return years_before(today(), age) - timedelta(days=100)


def half(day: date) -> str:
    """The survival cohort of a first handover on `day`."""
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


@dataclass
class World:
    staff: User
    admin: User
    conventions: dict = field(default_factory=dict)
    projects: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    handovers: dict = field(default_factory=dict)
    dates: dict = field(default_factory=dict)


def coordinator(acronym: str) -> User:
    return UserFactory(
        username=f"national.{acronym.lower()}",
        role=User.Role.COORDINATOR,
        province=None,
        national=True,
        partner=partner(acronym),
    )


def person(place: str, sex: str, age: int, registrar, **fields) -> Beneficiary:
    return consent(
        BeneficiaryFactory(province=province(place), sex=sex, date_of_birth=born(age), created_by=registrar, **fields)
    )


def conventions() -> dict:
    ck = ConventionFactory(reference="KHE-2025-CONV", year=2025, envelope=Decimal("500000"), target_beneficiaries=10)
    contribute(ck, "INDH", "300000")
    contribute(ck, "FM6RD", "200000")
    contribute(ck, "ANAPEC", "0", in_kind="study, coaching and follow-up")
    cr = ConventionFactory(
        reference="RSK-2024-CONV",
        scope=Convention.Scope.REGION,
        province=None,
        region=region("04"),
        year=2024,
        indh_phase=Convention.IndhPhase.NONE,
        envelope=Decimal("400000"),
        target_beneficiaries=20,
    )
    contribute(cr, "INDH", "250000")
    contribute(cr, "FM6RD", "150000")
    nat = ConventionFactory(
        reference="NAT-2024-CONV",
        scope=Convention.Scope.NATIONAL,
        province=None,
        year=2024,
        envelope=Decimal("1000000"),
        target_beneficiaries=50,
    )
    contribute(nat, "INDH", "600000")
    contribute(nat, "FM6RD", "400000")
    return {"CK": ck, "CR": cr, "NAT": nat, "HIST": past_convention()}


class Builder:
    def __init__(self, staff, admin):
        self.world = World(staff=staff, admin=admin)
        self.anapec, self.indh, self.fm6rd = coordinator("ANAPEC"), coordinator("INDH"), coordinator("FM6RD")

    def draft(self, lead, lines, *, sector, own="0", co=(), jobs=1, by=None):
        """`lines`: (convention key, partner acronym, amount, kind)."""
        total = sum((Decimal(amount) for _, _, amount, _ in lines), Decimal(own))
        project = ProjectFactory(
            lead=lead,
            province=lead.province,
            sector=sector,
            total_cost=total,
            own_contribution=Decimal(own),
            expected_jobs=jobs,
            created_by=by or self.world.staff,
        )
        for key, acronym, amount, kind in lines:
            fund(project, self.world.conventions[key], acronym, amount, kind=kind)
        if co:
            project.co_beneficiaries.add(*co)
        return project

    def submit(self, project, by=None):
        project.submit(by=by or self.world.staff)
        return project

    def study(self, project, by=None):
        self.submit(project, by)
        project.record_study(
            by=self.anapec, feasible=True, expected_monthly_revenue=Decimal("4000"), recommended_amount=Decimal("1")
        )
        return project

    def approver(self, line):
        return self.indh if line.partner.acronym == "INDH" else self.fm6rd

    def approve(self, project, by=None, *, on=None):
        self.study(project, by)
        for funding in project.lines.select_related("partner"):
            project.approve_line(funding, by=self.approver(funding))
        return approved_back_on(project, on) if on else project

    def deliver(self, project, acronym, on, by=None):
        """A handover of the whole line of `acronym`, planned and delivered on `on`."""
        by = by or self.world.staff
        funding = line_of(project, acronym)
        if funding.kind == "cash":
            handover = Handover.plan(
                funding, by=by, planned_on=on, amount=funding.amount, cash_method=Handover.CashMethod.TRANSFER
            )
        else:
            handover = Handover.plan(funding, by=by, planned_on=on, items=[item("Équipement", 1, funding.amount)])
        handover.deliver(by=by, on=on)
        project.refresh_from_db()
        return handover

    def visit(self, project, on, status, jobs, next_due=None, by=None):
        project.record_visit(
            by=by or self.world.staff, visited_on=on, business_status=status, jobs=jobs, next_visit_due=next_due
        )
        project.refresh_from_db()


def build_world(staff, admin) -> World:
    T = today()
    b = Builder(staff, admin)
    w = b.world
    w.conventions = conventions()
    d8, d10, d7 = add_months(T, -26), add_months(T, -20), add_months(T, -3)
    w.dates = {"T": T, "D8": d8, "D10": d10, "D7": d7, "planned": add_months(T, 1)}
    p = w.people
    for key, sex, age in [
        ("L1", "M", 22),
        ("L2", "M", 30),
        ("L3", "F", 40),
        ("L4", "M", 28),
        ("L5", "M", 50),
        ("L6", "F", 33),
        ("L7", "M", 26),
        ("C7", "F", 24),
        ("L8", "M", 38),
        ("L9", "M", 45),
        ("L10", "F", 36),
        ("I1", "F", 60),
    ]:
        p[key] = person(KHEMISSET, sex, age, staff)
    p["H1"] = person(KHEMISSET, "M", 42, staff, cin="XR700001")
    p["RL1"], p["RL2"] = person(RABAT, "F", 31, admin), person(RABAT, "M", 19, admin)
    p["CL1"] = person(CASABLANCA, "M", 29, admin)
    # I1 registered last year: "registered this year" leaves her out.
    Beneficiary.objects.filter(pk=p["I1"].pk).update(created_at=timezone.now().replace(year=T.year - 1))

    pr = w.projects
    pr["P1"] = b.draft(p["L1"], [("CK", "INDH", "10000", "equipment")], sector="crafts")
    pr["P2"] = b.submit(b.draft(p["L2"], [("CK", "INDH", "11000", "equipment")], sector="trade"))
    pr["P3"] = b.study(b.draft(p["L3"], [("CK", "INDH", "12000", "equipment")], sector="crafts"))
    pr["P4"] = b.approve(
        b.draft(
            p["L4"],
            [("CK", "INDH", "20000", "equipment"), ("NAT", "FM6RD", "5000", "cash")],
            sector="catering",
            own="1000",
            jobs=2,
        )
    )
    w.handovers["P4-planned"] = Handover.plan(
        line_of(pr["P4"], "INDH"), by=staff, planned_on=w.dates["planned"], items=[item("Four", 1, "20000")]
    )
    p5 = b.study(
        b.draft(p["L5"], [("CK", "FM6RD", "4000", "cash"), ("CK", "INDH", "10000", "equipment")], sector="agriculture")
    )
    p5.approve_line(line_of(p5, "FM6RD"), by=b.fm6rd)
    p5.reject_line(line_of(p5, "INDH"), by=b.indh, reason="Marché saturé")
    pr["P5"] = p5
    p6 = b.submit(b.draft(p["L6"], [("CK", "INDH", "9000", "equipment")], sector="trade"))
    p6.withdraw(by=staff, reason="Parti travailler ailleurs")
    pr["P6"] = p6

    p7 = b.approve(
        b.draft(
            p["L7"],
            [("CK", "INDH", "12000", "equipment"), ("CK", "FM6RD", "6000", "cash")],
            sector="trade",
            co=[p["C7"]],
            jobs=2,
        ),
        on=add_months(T, -4),
    )
    w.handovers["P7-INDH"] = b.deliver(p7, "INDH", d7)
    w.handovers["P7-cash"] = b.deliver(p7, "FM6RD", d7)
    # The reversal before the visit: a visit makes a funded business "operating", which keeps its status.
    w.handovers["P7-cash"].reverse(by=staff, reason="Virement rejeté par la banque")
    b.visit(p7, add_months(T, -1), Operating.OPERATING, 2, T + timedelta(days=30))
    pr["P7"] = p7

    p8 = b.approve(b.draft(p["L8"], [("CK", "INDH", "15000", "equipment")], sector="repair"), on=add_months(T, -30))
    w.handovers["P8"] = b.deliver(p8, "INDH", d8)
    pr["P8"] = p8

    p9 = b.approve(
        b.draft(p["L9"], [("CK", "FM6RD", "20000", "cash")], sector="agriculture", co=[p["L8"]], jobs=3),
        on=add_months(T, -30),
    )
    b.deliver(p9, "FM6RD", d8)
    b.visit(p9, add_months(d8, 7), Operating.OPERATING, 2, add_months(d8, 12))
    b.visit(p9, add_months(d8, 13), Operating.OPERATING, 3, add_months(d8, 24))
    b.visit(p9, add_months(d8, 25), Operating.STRUGGLING, 3, T + timedelta(days=10))
    pr["P9"] = p9

    p10 = b.approve(b.draft(p["L10"], [("CK", "INDH", "10000", "cash")], sector="repair"), on=add_months(T, -24))
    b.deliver(p10, "INDH", d10)
    b.visit(p10, add_months(d10, 7), Operating.OPERATING, 1, add_months(d10, 12))
    b.visit(p10, add_months(d10, 14), Operating.CLOSED, 0)
    pr["P10"] = p10

    r1 = b.approve(
        b.draft(p["RL1"], [("CR", "INDH", "30000", "equipment")], sector="trade", jobs=2, by=admin),
        by=admin,
        on=add_months(T, -4),
    )
    b.deliver(r1, "INDH", d7, by=admin)
    b.visit(r1, add_months(T, -1), Operating.OPERATING, 1, T + timedelta(days=60), by=admin)
    pr["R1"] = r1
    pr["R2"] = b.draft(p["RL2"], [("CR", "FM6RD", "5000", "cash")], sector="crafts", by=admin)

    c1 = b.approve(
        b.draft(p["CL1"], [("NAT", "INDH", "40000", "equipment")], sector="digital", jobs=4, by=admin),
        by=admin,
        on=add_months(T, -30),
    )
    b.deliver(c1, "INDH", d8, by=admin)
    pr["C1"] = c1

    import_history(staff)
    return w


def import_history(staff):
    rows = [
        line(cin="XR700001", ceremony_on="15/03/2017", ceremony_place="Khémisset"),
        {
            **line(
                cin="XR700002",
                title="Épicerie",
                sector="trade",
                total_cost="8000",
                own_contribution="0",
                partner="FM6RD",
                amount="8000",
                kind="cash",
                delivered_on="20/04/2017",
            ),
            **new_person(sex="F", date_of_birth=born(39).strftime("%d/%m/%Y")),
        },
    ]
    table = read_history(history_csv(rows), "history.csv")
    plan = build_history_plan(table, province(KHEMISSET))
    write_history(plan, by=staff, source="history.csv")
