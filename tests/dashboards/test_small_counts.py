"""People in small counts: the Khémisset official sees "< 3" and "—" where the world (world.py) has
1 or 2 people, in the page and in every export; staff see the exact figures; money and projects stay exact."""

from decimal import Decimal as D

import pytest

from dashboards.privacy import HIDDEN, SMALL
from tests.dashboards.figures_io import csv_rows, get_json, xlsx_rows
from tests.dashboards.world import build_world

pytestmark = pytest.mark.django_db

URL = "/dashboards/province/04.291/"


@pytest.fixture
def world(khemisset_staff, admin_user):
    return build_world(khemisset_staff, admin_user)


def test_the_official_sees_small_counts_hidden_in_the_json(world, client_for, khemisset_official):
    figures = get_json(client_for(khemisset_official), URL)
    people = figures["beneficiaries"]
    assert people["total"] == 14
    # registered 2, accompanied 1, funded 2: three cells hidden, so none more is needed.
    assert people["by_status"] == {
        "registered": SMALL,
        "accompanied": SMALL,
        "project_in_preparation": 4,
        "funded": SMALL,
        "followed_up": 5,
        "exited": 0,
    }
    assert people["by_sex"] == {"M": 8, "F": 6}
    # 16-24 holds 2 alone: 45+ (3, the smallest other) is hidden too, or 14 − 4 − 5 − 3 would give it away.
    assert people["by_age_band"] == {"16-24": SMALL, "25-34": 4, "35-44": 5, "45+": HIDDEN, "under-16": 0}
    funded = {row["reference"]: row["beneficiaries_funded"] for row in figures["conventions"]}
    assert funded == {"KHE-2025-CONV": 5, "NAT-2024-CONV": 0, "KHE-2016-HIST": SMALL}
    assert figures["pipeline"]["planned"]["beneficiaries"] == SMALL  # L4
    assert figures["ceremonies"][0]["beneficiaries"] == SMALL  # H1
    # Survival: every cohort observed on 1 business is hidden, and the overall rows at 24 months (1).
    assert figures["survival"]["overall"]["24"] == {"eligible": 4, "observed": SMALL, "running": SMALL, "share": None}
    assert figures["survival"]["overall"]["6"]["observed"] == SMALL  # 2
    for row in figures["survival"]["by_cohort"]:
        for months in ("6", "12", "24"):
            assert row[months]["observed"] in (0, SMALL), row
    # Money and projects stay exact.
    assert figures["money"]["committed"] == 116000 and figures["money"]["delivered"] == 85000
    assert figures["projects"]["by_status"]["approved"] == 1
    assert figures["pipeline"]["approved_not_delivered"]["projects"] == 1


def test_no_total_gives_a_hidden_cell_away(world, client_for, khemisset_official):
    people = get_json(client_for(khemisset_official), URL)["beneficiaries"]
    for name in ("by_status", "by_sex", "by_age_band"):
        cells = list(people[name].values())
        if cells.count(SMALL) == 1:
            # The total minus the cells shown would be the hidden one: another must be hidden.
            assert HIDDEN in cells, name
        assert all(isinstance(value, int) or value in (SMALL, HIDDEN) for value in cells)


def test_staff_see_the_exact_figures(world, client_for, khemisset_staff):
    figures = get_json(client_for(khemisset_staff), URL)
    assert figures["beneficiaries"]["by_age_band"] == {"16-24": 2, "25-34": 4, "35-44": 5, "45+": 3, "under-16": 0}
    assert figures["beneficiaries"]["by_status"]["accompanied"] == 1
    assert figures["pipeline"]["planned"]["beneficiaries"] == 1
    page = client_for(khemisset_staff).get(URL).content.decode()
    assert "&lt; 3" not in page and SMALL not in page


def test_the_official_sees_them_hidden_in_the_page_csv_and_xlsx(world, client_for, khemisset_official):
    client = client_for(khemisset_official)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt; 3" in html and HIDDEN in html
    csv_cells = {(s, i, m): v for s, i, m, v in csv_rows(client.get(URL, {"format": "csv"}).content)[1:]}
    assert csv_cells[("beneficiaries", "by_age_band", "16-24")] == SMALL
    assert csv_cells[("beneficiaries", "by_age_band", "45+")] == HIDDEN
    assert csv_cells[("beneficiaries", "by_status", "accompanied")] == SMALL
    assert D(csv_cells[("money", "", "committed")]) == D("116000")
    xlsx_cells = {(s, i, m): v for s, i, m, v in xlsx_rows(client.get(URL, {"format": "xlsx"}).content)[1:]}
    assert xlsx_cells[("beneficiaries", "by_age_band", "16-24")] == SMALL
    assert xlsx_cells[("beneficiaries", "by_age_band", "45+")] == HIDDEN
    assert xlsx_cells[("pipeline", "planned", "beneficiaries")] == SMALL
    assert xlsx_cells[("beneficiaries", "by_sex", "M")] == 8
