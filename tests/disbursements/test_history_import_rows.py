"""Each bad row of a history file is named by its row, its column and a clear problem; a project
is imported whole or not at all."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from beneficiaries.importing import render_all
from disbursements.history import build_history_plan, read_history
from tests.disbursements.history_fixtures import history_convention, registered_person  # noqa: F401
from tests.disbursements.history_sheets import history_csv, line
from tests.factories import BeneficiaryFactory, ConventionFactory, contribute, province

pytestmark = pytest.mark.django_db


def plan_of(rows, header=None):
    return build_history_plan(read_history(history_csv(rows, header), "history.csv"), province("04.291"))


def problems_of(plan):
    """{(row, column as the file titles it, code)} of every problem."""
    return {(p["row"], p["column"], p["code"]) for p in plan.problems}


def only_problem(rows, header=None):
    plan = plan_of(rows, header)
    assert plan.counts["invalid"] == len(rows)
    return problems_of(plan)


@pytest.mark.usefixtures("history_convention", "registered_person")
@pytest.mark.parametrize(
    ("overrides", "column", "code"),
    [
        ({"cin": ""}, "cin", "required"),
        ({"cin": "123"}, "cin", "invalid_cin"),
        ({"cin": "ZT****01"}, "cin", "masked_cin"),
        ({"title": ""}, "title", "required"),
        ({"title": "Atelier\u200bde couture"}, "title", "control_character"),
        ({"sector": "astrology"}, "sector", "bad_sector"),
        ({"kind": "gold"}, "kind", "bad_kind"),
        ({"amount": "vingt mille"}, "amount", "bad_amount"),
        ({"amount": "0"}, "amount", "amount_not_positive"),
        ({"amount": "-5"}, "amount", "amount_not_positive"),
        ({"total_cost": "0"}, "total_cost", "cost_not_positive"),
        ({"own_contribution": "30000"}, "own_contribution", "own_exceeds_cost"),
        ({"amount": "21000"}, "amount", "lines_exceed_cost"),
        ({"convention": "NOPE-2016"}, "convention", "unknown_convention"),
        ({"partner": "XYZ"}, "partner", "unknown_partner"),
        ({"partner": "ANAPEC"}, "partner", "no_contribution"),
        ({"delivered_on": "31/02/2017"}, "delivered_on", "no_such_date"),
        ({"delivered_on": "soon"}, "delivered_on", "bad_date"),
        ({"delivered_on": "15/03/2015"}, "delivered_on", "delivery_before_convention"),
        ({"ceremony_on": "15/03/2017"}, "ceremony_place", "ceremony_incomplete"),
    ],
)
def test_a_bad_cell_is_named_by_row_and_column(overrides, column, code):
    assert (2, column, code) in only_problem([line(**overrides)])


@pytest.mark.usefixtures("history_convention", "registered_person")
def test_a_delivery_in_the_future_is_refused():
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    assert (2, "delivered_on", "delivery_in_future") in only_problem([line(delivered_on=tomorrow)])


@pytest.mark.usefixtures("registered_person")
def test_a_convention_that_does_not_cover_the_province_is_refused():
    elsewhere = ConventionFactory(reference="RAB-2016", province=province("04.421"), year=2016)
    contribute(elsewhere, "INDH", "100000")
    problems = only_problem([line(convention="RAB-2016")])
    assert (2, "convention", "convention_elsewhere") in problems


@pytest.mark.usefixtures("history_convention")
def test_a_cin_not_registered_needs_the_beneficiary_columns():
    assert (2, "cin", "person_not_registered") in only_problem([line(cin="ZT999999")])


@pytest.mark.usefixtures("history_convention")
def test_a_cin_registered_in_another_province_is_refused(khemisset_staff):
    BeneficiaryFactory(cin="XR700001", province=province("04.421"), created_by=khemisset_staff)
    assert (2, "cin", "cin_taken") in only_problem([line()])


@pytest.mark.usefixtures("history_convention", "registered_person")
def test_a_project_with_one_bad_line_is_invalid_whole():
    rows = [line(total_cost="30000"), line(total_cost="30000", partner="FM6RD", amount="-1", kind="cash")]
    plan = plan_of(rows)
    assert plan.counts["invalid"] == 2 and plan.counts["projects_new"] == 0
    assert (3, "amount", "amount_not_positive") in problems_of(plan)
    assert (2, "title", "project_invalid_row") in problems_of(plan)


@pytest.mark.usefixtures("history_convention", "registered_person")
def test_the_rows_of_one_project_agree_and_give_each_line_once():
    rows = [line(total_cost="40000"), line(total_cost="41000", partner="FM6RD", amount="5000", kind="cash")]
    assert (3, "total_cost", "project_differs") in problems_of(plan_of(rows))
    rows = [line(total_cost="45000"), line(total_cost="45000")]
    assert (3, "partner", "line_twice") in problems_of(plan_of(rows))


@pytest.mark.usefixtures("history_convention", "registered_person")
def test_several_lines_of_one_project_and_several_projects_are_grouped():
    rows = [
        line(total_cost="30000"),
        line(total_cost="30000", partner="FM6RD", amount="8000", kind="cash"),
        line(title="Épicerie", sector="Commerce", total_cost="12000", own_contribution="0", amount="12000"),
    ]
    counts = plan_of(rows).counts
    assert (counts["projects_new"], counts["lines"], counts["handovers"], counts["invalid"]) == (2, 3, 3, 0)


@pytest.mark.usefixtures("history_convention", "registered_person")
def test_lines_that_overspend_a_contribution_within_the_file_are_invalid():
    rows = [
        line(title="Atelier A", total_cost="60000", own_contribution="0", amount="60000"),
        line(title="Atelier B", total_cost="60000", own_contribution="0", amount="60000"),  # 120,000 > 100,000
        line(title="Atelier C", total_cost="40000", own_contribution="0", amount="40000"),  # fits after A
    ]
    plan = plan_of(rows)
    assert {(p["row"], p["column"], p["code"]) for p in plan.problems} == {(3, "amount", "overspends")}
    assert plan.counts["projects_new"] == 2
    with translation.override("en"):
        message = render_all(plan.problems)[0]["message"]
    assert "INDH" in message and "KHE-2016-HIST" in message and "40000.00" in message


@pytest.mark.usefixtures("history_convention", "registered_person")
def test_the_messages_read_in_french_and_arabic():
    plan = plan_of([line(partner="XYZ")])
    with translation.override("fr"):
        french = render_all(plan.problems)[0]
    with translation.override("ar"):
        arabic = render_all(plan.problems)[0]
    assert french["row"] == arabic["row"] == 2
    assert "XYZ" in french["message"] and "XYZ" in arabic["message"]
