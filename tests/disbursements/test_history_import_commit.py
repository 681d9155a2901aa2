"""What a history import writes: projects funded with their approved lines, delivered handovers
numbered without gaps, their ledger entries, ceremonies, the people funded; and importing the same
file again changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from beneficiaries.importing import ImportRefused
from beneficiaries.models import Beneficiary
from disbursements.history import SpendingChanged, build_history_plan, read_history, write_history
from disbursements.models import Ceremony, Handover, LedgerEntry
from partners.models import Convention
from projects.models import FundingLine, MicroProject, ProjectEvent
from projects.models.workflow import add_months
from tests.disbursements.history_fixtures import history_convention, registered_person  # noqa: F401
from tests.disbursements.history_sheets import REFERENCE, history_csv, line, new_person
from tests.factories import province
from tests.projects.workflow_stages import approved

pytestmark = pytest.mark.django_db


def run(rows, by, header=None, *, name="history.csv", data=None, skip_invalid=False):
    table = read_history(data or history_csv(rows, header), name)
    plan = build_history_plan(table, province("04.291"))
    return plan, write_history(plan, by=by, source=name, skip_invalid=skip_invalid)


def two_line_project(**overrides):
    return [
        line(total_cost="30000", **overrides),
        line(total_cost="30000", partner="FM6RD", amount="8000", kind="cash", delivered_on="20/04/2017", **overrides),
    ]


@pytest.mark.usefixtures("history_convention", "registered_person")
def test_a_past_project_is_written_funded_with_its_lines_handovers_and_ledger(khemisset_staff):
    registered = Beneficiary.objects.get(cin="XR700001")
    run(two_line_project(), khemisset_staff)
    project = MicroProject.objects.get(lead=registered)
    assert project.status == MicroProject.Status.FUNDED
    assert (project.approved_on, project.first_delivery_on) == (date(2017, 3, 15), date(2017, 3, 15))
    assert project.next_visit_due == add_months(date(2017, 3, 15), 24)  # every milestone is past: the last one
    lines = project.lines.order_by("pk")
    assert {line.decision for line in lines} == {FundingLine.Decision.APPROVED}
    handovers = Handover.objects.filter(project=project).order_by("number")
    assert [(h.number, h.status, h.amount, h.delivered_on) for h in handovers] == [
        ("KHE-2017-0001", "delivered", Decimal("20000.00"), date(2017, 3, 15)),
        ("KHE-2017-0002", "delivered", Decimal("8000.00"), date(2017, 4, 20)),
    ]
    assert handovers[0].items.get().total == Decimal("20000.00")
    assert LedgerEntry.objects.filter(line__project=project).total() == Decimal("28000.00")
    assert LedgerEntry.objects.filter(line__project=project).count() == 2
    event = project.events.get()
    assert (event.action, event.to_status) == (ProjectEvent.Action.HANDOVER, MicroProject.Status.FUNDED)
    assert event.comment == "imported from history.csv, rows 2, 3"
    registered.refresh_from_db()
    assert registered.status == Beneficiary.Status.FUNDED


@pytest.mark.usefixtures("history_convention", "registered_person")
def test_a_recent_delivery_falls_due_at_the_next_milestone_after_today(khemisset_staff):
    delivered = add_months(timezone.localdate(), -4)
    run([line(delivered_on=delivered.strftime("%d/%m/%Y"))], khemisset_staff)
    assert MicroProject.objects.get().next_visit_due == add_months(delivered, 6)


@pytest.mark.usefixtures("history_convention", "registered_person")
def test_importing_the_same_file_again_changes_nothing(khemisset_staff):
    rows = [*two_line_project(), line(title="Épicerie", total_cost="12000", own_contribution="0", amount="12000")]
    first_plan, _ = run(rows, khemisset_staff)
    counts = (MicroProject.objects.count(), Handover.objects.count(), LedgerEntry.objects.count())
    total = LedgerEntry.objects.total()
    again, done = run(rows, khemisset_staff)
    assert again.counts["projects_unchanged"] == first_plan.counts["projects_new"] == 2
    assert (again.counts["projects_new"], again.counts["unchanged"], again.counts["invalid"]) == (0, 3, 0)
    assert done["projects"] == []
    assert (MicroProject.objects.count(), Handover.objects.count(), LedgerEntry.objects.count()) == counts
    assert LedgerEntry.objects.total() == total == Decimal("40000.00")


@pytest.mark.usefixtures("history_convention", "registered_person")
def test_a_row_overspending_what_the_contribution_has_left_after_existing_commitments_is_invalid(
    khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd
):
    convention = Convention.objects.get(reference=REFERENCE)
    # 20,000 MAD of INDH already approved in Idmaj from the same contribution of 100,000.
    approved(convention, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd)
    rows = [line(total_cost="85000", own_contribution="0", amount="85000")]
    plan = build_history_plan(read_history(history_csv(rows), "h.csv"), province("04.291"))
    assert {(p["row"], p["column"], p["code"]) for p in plan.problems} == {(2, "amount", "overspends")}
    with pytest.raises(ImportRefused):
        write_history(plan, by=khemisset_staff, source="h.csv")
    assert not MicroProject.objects.filter(title="Atelier de couture", status="funded").exists()
    rows = [line(total_cost="80000", own_contribution="0", amount="80000")]  # exactly what is left
    run(rows, khemisset_staff)
    indh = FundingLine.objects.filter(project__title="Atelier de couture", project__status="funded").get().partner_id
    assert FundingLine.objects.committed(convention.pk, indh) == Decimal("100000.00")


@pytest.mark.usefixtures("history_convention", "registered_person")
def test_with_skip_invalid_only_the_valid_projects_are_written(khemisset_staff):
    rows = [line(), line(title="Épicerie", partner="XYZ")]
    with pytest.raises(ImportRefused):
        run(rows, khemisset_staff)
    assert not MicroProject.objects.exists()
    plan, _ = run(rows, khemisset_staff, skip_invalid=True)
    assert plan.counts["invalid"] == 1
    assert list(MicroProject.objects.values_list("title", flat=True)) == ["Atelier de couture"]


@pytest.mark.usefixtures("history_convention")
def test_a_person_registered_by_the_same_file_is_checked_as_the_beneficiary_import_checks_them(khemisset_staff):
    rows = [
        {**line(cin="ZT555001"), **new_person(1)},
        {**line(cin="ZT555002"), **new_person(2, sex="?")},  # the beneficiary import's "bad_sex"
        {**line(cin="ZT555003"), **new_person(3, first_name="Hamid2")},  # "name_digits"
    ]
    plan = build_history_plan(read_history(history_csv(rows), "h.csv"), province("04.291"))
    codes = {(p["row"], p["column"], p["code"]) for p in plan.problems}
    assert {(3, "sex", "bad_sex"), (4, "first_name", "name_digits")} <= codes
    assert plan.counts["people_new"] == 1
    write_history(plan, by=khemisset_staff, source="h.csv", skip_invalid=True)
    person = Beneficiary.objects.get(cin="ZT555001")
    assert (person.first_name, person.last_name, person.status) == ("Hamid", "Bakarix", Beneficiary.Status.FUNDED)
    assert person.province.code == "04.291"
    assert person.led_projects.get().status == MicroProject.Status.FUNDED
    assert not Beneficiary.objects.filter(cin__in=["ZT555002", "ZT555003"]).exists()


@pytest.mark.usefixtures("history_convention")
def test_two_projects_of_one_new_person_register_them_once(khemisset_staff):
    rows = [{**line(cin="ZT555001"), **new_person(1)}, line(cin="ZT555001", title="Épicerie")]
    rows[1] |= {"total_cost": "20000", "own_contribution": "0"}
    plan, _ = run(rows, khemisset_staff)
    assert plan.counts["people_new"] == 1
    assert Beneficiary.objects.get(cin="ZT555001").led_projects.count() == 2


@pytest.mark.usefixtures("history_convention", "registered_person")
def test_ceremonies_are_found_or_created_by_date_and_place(khemisset_staff):
    place = "Salle de la province, Khémisset"
    rows = [
        line(ceremony_on="15/03/2017", ceremony_place=place),
        line(
            title="Épicerie", total_cost="20000", own_contribution="0", ceremony_on="15/03/2017", ceremony_place=place
        ),
    ]
    plan, _ = run(rows, khemisset_staff)
    assert plan.counts["ceremonies_new"] == 1
    ceremony = Ceremony.objects.get()
    assert (ceremony.held_on, ceremony.place, ceremony.province.code) == (date(2017, 3, 15), place, "04.291")
    assert ceremony.handovers.count() == 2


@pytest.mark.usefixtures("history_convention", "registered_person")
@pytest.mark.parametrize(
    "header",
    [
        # French, as the province's sheets are titled
        ["CIN", "Titre du projet", "Secteur", "Commune", "Coût total", "Apport personnel", "Référence convention",
         "Partenaire", "Montant", "Nature", "Date de remise"],
        # Arabic
        ["رقم البطاقة الوطنية", "عنوان المشروع", "القطاع", "الجماعة", "الكلفة الإجمالية", "المساهمة الشخصية",
         "مرجع الاتفاقية", "الشريك", "المبلغ", "نوع الدعم", "تاريخ التسليم"],
    ],
)  # fmt: skip
def test_headers_in_french_and_in_arabic(khemisset_staff, header):
    values = ["XR700001", "Atelier de couture", "الصناعة التقليدية", "Tiflet", "22 000,00", "2000", "KHE-2016-HIST"]
    values += ["INDH", "20 000", "عيني", "2017-03-15"]
    data = ("\n".join([",".join(header), ",".join(f'"{v}"' for v in values)]) + "\n").encode()
    plan, _ = run([], khemisset_staff, data=data)
    assert plan.problems == [] and plan.counts["projects_new"] == 1
    project = MicroProject.objects.get()
    assert (project.sector, project.total_cost) == (MicroProject.Sector.CRAFTS, Decimal("22000.00"))
    assert project.lines.get().kind == FundingLine.Kind.EQUIPMENT


@pytest.mark.usefixtures("history_convention", "registered_person")
def test_the_numbers_go_on_from_the_province_sequence_of_each_year(khemisset_staff):
    run([line(delivered_on="01/02/2018")], khemisset_staff)
    run([line(title="Épicerie", total_cost="20000", own_contribution="0", delivered_on="01/03/2018")], khemisset_staff)
    assert sorted(Handover.objects.values_list("number", flat=True)) == ["KHE-2018-0001", "KHE-2018-0002"]


@pytest.mark.usefixtures("history_convention", "registered_person")
def test_a_contribution_spent_between_the_check_and_the_commit_stops_the_commit(
    khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd
):
    rows = [line(total_cost="85000", own_contribution="0", amount="85000")]
    plan = build_history_plan(read_history(history_csv(rows), "h.csv"), province("04.291"))
    assert plan.counts["invalid"] == 0
    # Meanwhile 20,000 MAD of the same contribution (100,000) are approved in Idmaj: 80,000 are left.
    approved(Convention.objects.get(reference=REFERENCE), khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd)
    with pytest.raises(SpendingChanged):
        write_history(plan, by=khemisset_staff, source="h.csv")
    assert not MicroProject.objects.filter(status=MicroProject.Status.FUNDED).exists()
    assert not LedgerEntry.objects.exists()
