"""Every figure of the province, region and national dashboards of the hand-built world (world.py),
derived on paper: each expected value is a literal, with where it comes from."""

from decimal import Decimal as D

import pytest

from tests.dashboards.figures_io import csv_rows, decimals, get_json, xlsx_rows
from tests.dashboards.world import build_world, half

pytestmark = pytest.mark.django_db

K_URL, REGION_URL, NATIONAL_URL = "/dashboards/province/04.291/", "/dashboards/region/04/", "/dashboards/national/"
NO_FILTER = {"year": None, "convention": None, "partner": None, "indh_phase": None, "sector": None}
SECTORS = [
    "agriculture",
    "livestock",
    "fishing",
    "crafts",
    "trade",
    "catering",
    "personal_services",
    "repair",
    "building",
    "transport",
    "food_processing",
    "digital",
    "other",
]


def cell(eligible, observed, running, share):
    return {"eligible": eligible, "observed": observed, "running": running, "share": share}


NOTHING = {"6": cell(0, 0, 0, None), "12": cell(0, 0, 0, None), "24": cell(0, 0, 0, None)}


def sectors(**counts):
    return {sector: counts.get(sector, 0) for sector in SECTORS}


@pytest.fixture
def world(khemisset_staff, admin_user):
    return build_world(khemisset_staff, admin_user)


@pytest.fixture
def admin_client(client_for, admin_user):
    return client_for(admin_user)


def test_every_figure_of_the_khemisset_dashboard(world, admin_client):
    figures = get_json(admin_client, K_URL)
    assert figures["scope"] == {"level": "province", "code": "04.291", "name_fr": "Khémisset", "name_ar": "الخميسات"}
    assert figures["filters"] == NO_FILTER
    assert "provinces" not in figures and "regions" not in figures
    assert figures["beneficiaries"] == {
        # L1–L10, C7, I1, H1 and H2 (registered by the history file): 14 people of Khémisset.
        "total": 14,
        "by_status": {
            "registered": 2,  # L1 (a draft submits nothing), I1
            "accompanied": 1,  # L6: her project withdrawn, she steps back
            "project_in_preparation": 4,  # L2, L3, L4 (approval does not fund), L5 (a rejection keeps her there)
            "funded": 2,  # H1, H2 (history); L8 is followed up through P9's visits
            "followed_up": 5,  # L7 and C7 (P7's visit), L8 and L9 (P9's), L10 (P10's)
            "exited": 0,
        },
        "by_sex": {"M": 8, "F": 6},  # M: L1 L2 L4 L5 L7 L8 L9 H1; F: L3 L6 C7 L10 I1 H2
        "by_age_band": {
            "16-24": 2,  # L1 22, C7 24
            "25-34": 4,  # L7 26, L4 28, L2 30, L6 33
            "35-44": 5,  # L10 36, L8 38, H2 39, L3 40, H1 42
            "45+": 3,  # L9 45, L5 50, I1 60
            "under-16": 0,
        },
        "registered_this_year": 13,  # all but I1
    }
    assert figures["projects"] == {
        "total": 12,  # P1–P10 and the two imported projects
        "by_status": {
            "draft": 1,
            "submitted": 1,
            "studied": 1,
            "approved": 1,
            "rejected": 1,
            "withdrawn": 1,
            "in_handover": 1,  # P7: its cash reversed
            "funded": 3,  # P8, H1's, H2's
            "operating": 1,  # P9
            "closed": 1,  # P10, found closed by a visit
        },
        # submitted: all but the draft and the withdrawn (12 − 2); studied: P3 + 7 approved or later.
        "funnel": {"submitted": 10, "studied": 8, "approved": 7, "in_handover": 6, "funded": 5, "operating": 1},
        # crafts P1 P3 H1's; trade P2 P6 P7 H2's; catering P4; agriculture P5 P9; repair P8 P10.
        "by_sector": sectors(crafts=3, trade=4, catering=1, agriculture=2, repair=2),
        "approved": 7,  # P4 P7 P8 P9 P10 and the two imported
        # (26,000 + 18,000 + 15,000 + 20,000 + 10,000 + 22,000 + 8,000) / 7 = 119,000 / 7
        "average_cost": D("17000"),
        "expected_jobs": 11,  # 2 + 2 + 1 + 3 + 1 + 1 + 1
    }
    assert figures["money"] == {
        # The conventions of Khémisset: CK 500,000 + HIST 2,200,000 (NAT's envelope is not Khémisset's).
        "envelope": D("2700000"),
        # Approved lines of projects that hold them: P4 20,000 + 5,000; P7 12,000 + 6,000; P8 15,000;
        # P9 20,000; P10 10,000; H1 20,000; H2 8,000. P5's approved 4,000 is released by its rejection.
        "committed": D("116000"),
        # The ledger: P7 12,000 (+6,000 −6,000 reversed), P8 15,000, P9 20,000, P10 10,000, H1 20,000, H2 8,000.
        "delivered": D("85000"),
        # CK 500,000 − 83,000 + HIST 2,200,000 − 28,000
        "remaining": D("2589000"),
        "by_kind": {
            "equipment": {"committed": D("67000"), "delivered": D("47000")},  # 20+12+15+20; 12+15+20
            "cash": {"committed": D("49000"), "delivered": D("38000")},  # 5+6+20+10+8; 0+20+10+8
        },
        "by_partner": [
            {"partner": "ANAPEC", "envelope": D("0"), "committed": D("0"), "delivered": D("0"), "remaining": D("0")},
            # FM6RD: CK 200,000 + HIST 50,000; committed NAT 5,000 + P7 6,000 + P9 20,000 + H2 8,000;
            # remaining: 250,000 − the 34,000 committed under the conventions of Khémisset.
            {
                "partner": "FM6RD",
                "envelope": D("250000"),
                "committed": D("39000"),
                "delivered": D("28000"),
                "remaining": D("216000"),
            },
            # INDH: CK 300,000 + HIST 100,000; committed 20 + 12 + 15 + 10 + 20 (thousands).
            {
                "partner": "INDH",
                "envelope": D("400000"),
                "committed": D("77000"),
                "delivered": D("57000"),
                "remaining": D("323000"),
            },
        ],
    }
    title = "Réinsertion socio-économique des détenus libérés"
    assert figures["conventions"] == [
        {
            "reference": "KHE-2025-CONV",
            "title": title,
            "year": 2025,
            "indh_phase": "III",
            "scope": "province",
            "in_scope": True,
            "envelope": D("500000"),
            "committed": D("83000"),  # P4 20,000, P7 18,000, P8 15,000, P9 20,000, P10 10,000
            "delivered": D("57000"),  # P7 12,000, P8 15,000, P9 20,000, P10 10,000
            "remaining": D("417000"),
            "target_beneficiaries": 10,
            # L7, C7 (P7), L8 (P8 and P9: once), L9, L10; P4 has received nothing.
            "beneficiaries_funded": 5,
        },
        {
            # A wider convention funding a line here: its money shows, not its envelope.
            "reference": "NAT-2024-CONV",
            "title": title,
            "year": 2024,
            "indh_phase": "III",
            "scope": "national",
            "in_scope": False,
            "envelope": None,
            "committed": D("5000"),
            "delivered": D("0"),
            "remaining": None,
            "target_beneficiaries": 50,
            "beneficiaries_funded": 0,
        },
        {
            "reference": "KHE-2016-HIST",
            "title": title,
            "year": 2016,
            "indh_phase": "II",
            "scope": "province",
            "in_scope": True,
            "envelope": D("2200000"),
            "committed": D("28000"),
            "delivered": D("28000"),
            "remaining": D("2172000"),
            "target_beneficiaries": 80,
            "beneficiaries_funded": 2,
        },
    ]
    assert figures["pipeline"] == {
        "approved_not_delivered": {"projects": 1, "amount": D("25000")},  # P4
        "planned": {"handovers": 1, "amount": D("20000"), "beneficiaries": 1},  # P4's oven, for L4
        "planned_by_month": [{"month": world.dates["planned"].strftime("%Y-%m"), "handovers": 1, "amount": D("20000")}],
    }
    assert figures["follow_up"] == {
        "visits_due": 1,  # P9, next visit in 10 days (P7 in 30, P4 in 3 months)
        "visits_overdue": 3,  # P8 (3 months after D8) and the two imported projects (24 months after 2017)
        "funded_projects": 5,  # in handover, funded or operating, with a first handover: P7 P8 P9 H1's H2's
        "visited_last_6_months": 2,  # P7 and P9, a month ago
        "visited_share": D("40.0"),
        "reported_jobs": 5,  # latest visits of the followed-up: P7 2, P9 3
    }
    assert figures["survival"] == k_survival(world)
    assert figures["ceremonies"] == [
        {
            "held_on": "2017-03-15",
            "place": "Khémisset",
            "presided_by": "",
            "province__name_fr": "Khémisset",
            "province__name_ar": "الخميسات",
            "delivered": 1,
            "delivered_value": D("20000"),
            "planned": 0,
            "planned_value": D("0"),
            "beneficiaries": 1,
        }
    ]


def k_survival(world):
    """Khémisset's survival: P8 and P9 first handed over on D8 (26 months ago), P10 on D10 (20), P7 on
    D7 (3), H1's and H2's in March and April 2017 (never visited: not observed). P9: running at 7, 13
    and 25 months (struggling counts as running). P10: running at 7 months, closed at 14."""
    d8, d10, d7 = (half(world.dates[key]) for key in ("D8", "D10", "D7"))
    return {
        # 6: eligible P8 P9 P10 H1 H2, observed P9 P10 (running); 12: P10 stopped; 24: P10 too recent.
        "overall": {"6": cell(5, 2, 2, D("100.0")), "12": cell(5, 2, 1, D("50.0")), "24": cell(4, 1, 1, D("100.0"))},
        "by_cohort": [
            {"cohort": "2017-H1", "6": cell(2, 0, 0, None), "12": cell(2, 0, 0, None), "24": cell(2, 0, 0, None)},
            {"cohort": d8, **{m: cell(2, 1, 1, D("100.0")) for m in ("6", "12", "24")}},  # P8 unseen, P9
            {"cohort": d10, "6": cell(1, 1, 1, D("100.0")), "12": cell(1, 1, 0, D("0.0")), "24": cell(0, 0, 0, None)},
            {"cohort": d7, **NOTHING},  # P7 (and R1 in the region): not 6 months yet
        ],
        "by_sector": [
            {"sector": "agriculture", **{m: cell(1, 1, 1, D("100.0")) for m in ("6", "12", "24")}},  # P9
            {"sector": "crafts", **{m: cell(1, 0, 0, None) for m in ("6", "12", "24")}},  # H1's
            # P8 (unseen) and P10
            {
                "sector": "repair",
                "6": cell(2, 1, 1, D("100.0")),
                "12": cell(2, 1, 0, D("0.0")),
                "24": cell(1, 0, 0, None),
            },
            {"sector": "trade", **{m: cell(1, 0, 0, None) for m in ("6", "12", "24")}},  # H2's (P7 too recent)
        ],
    }


def place_rows(rows):
    """The rows of a places table that hold anything, by code (the others must be all zero)."""
    for row in rows:
        if not (row["beneficiaries"] or row["projects"]):
            assert (row["approved"], row["committed"], row["delivered"]) == (0, 0, 0), row
    return {row["code"]: row for row in rows if row["beneficiaries"] or row["projects"]}


def test_every_figure_of_the_region_dashboard(world, admin_client):
    figures = get_json(admin_client, REGION_URL)
    assert figures["scope"] == {
        "level": "region",
        "code": "04",
        "name_fr": "Rabat-Salé-Kénitra",
        "name_ar": "الرباط-سلا-القنيطرة",
    }
    assert "regions" not in figures
    # Khémisset's 14 and Rabat's RL1 (F31, followed up by R1's visit) and RL2 (M19, a draft: registered).
    assert figures["beneficiaries"] == {
        "total": 16,
        "by_status": {
            "registered": 3,
            "accompanied": 1,
            "project_in_preparation": 4,
            "funded": 2,
            "followed_up": 6,
            "exited": 0,
        },
        "by_sex": {"M": 9, "F": 7},
        "by_age_band": {"16-24": 3, "25-34": 5, "35-44": 5, "45+": 3, "under-16": 0},
        "registered_this_year": 15,
    }
    assert figures["projects"] == {
        "total": 14,  # + R1 (operating), R2 (draft)
        "by_status": {
            "draft": 2,
            "submitted": 1,
            "studied": 1,
            "approved": 1,
            "rejected": 1,
            "withdrawn": 1,
            "in_handover": 1,
            "funded": 3,
            "operating": 2,
            "closed": 1,
        },
        "funnel": {"submitted": 11, "studied": 9, "approved": 8, "in_handover": 7, "funded": 6, "operating": 2},
        "by_sector": sectors(crafts=4, trade=5, catering=1, agriculture=2, repair=2),
        "approved": 8,
        "average_cost": D("18625"),  # (119,000 + 30,000) / 8
        "expected_jobs": 13,  # + R1's 2
    }
    assert figures["money"] == {
        "envelope": D("3100000"),  # CK + HIST + CR 400,000 (the region's own convention)
        "committed": D("146000"),  # + R1 30,000
        "delivered": D("115000"),  # + R1 30,000
        "remaining": D("2959000"),  # 417,000 + 2,172,000 + CR 370,000
        "by_kind": {
            "equipment": {"committed": D("97000"), "delivered": D("77000")},
            "cash": {"committed": D("49000"), "delivered": D("38000")},
        },
        "by_partner": [
            {"partner": "ANAPEC", "envelope": D("0"), "committed": D("0"), "delivered": D("0"), "remaining": D("0")},
            {
                "partner": "FM6RD",
                "envelope": D("400000"),
                "committed": D("39000"),
                "delivered": D("28000"),
                "remaining": D("366000"),
            },  # 200 + 50 + 150 thousand, less the 34,000 under them
            {
                "partner": "INDH",
                "envelope": D("650000"),
                "committed": D("107000"),
                "delivered": D("87000"),
                "remaining": D("543000"),
            },  # 300 + 100 + 250 thousand, less 107,000
        ],
    }
    conventions = {row["reference"]: row for row in figures["conventions"]}
    assert [row["reference"] for row in figures["conventions"]] == [
        "KHE-2025-CONV",
        "NAT-2024-CONV",
        "RSK-2024-CONV",
        "KHE-2016-HIST",
    ]
    assert {
        ref: (
            row["in_scope"],
            row["envelope"],
            row["committed"],
            row["delivered"],
            row["remaining"],
            row["beneficiaries_funded"],
        )
        for ref, row in conventions.items()
    } == {
        "KHE-2025-CONV": (True, D("500000"), D("83000"), D("57000"), D("417000"), 5),
        "NAT-2024-CONV": (False, None, D("5000"), D("0"), None, 0),
        "RSK-2024-CONV": (True, D("400000"), D("30000"), D("30000"), D("370000"), 1),  # RL1
        "KHE-2016-HIST": (True, D("2200000"), D("28000"), D("28000"), D("2172000"), 2),
    }
    assert figures["pipeline"]["approved_not_delivered"] == {"projects": 1, "amount": D("25000")}
    assert figures["pipeline"]["planned"] == {"handovers": 1, "amount": D("20000"), "beneficiaries": 1}
    assert figures["follow_up"] == {
        "visits_due": 1,
        "visits_overdue": 3,  # R1's next visit is in 60 days
        "funded_projects": 6,  # + R1
        "visited_last_6_months": 3,  # + R1
        "visited_share": D("50.0"),
        "reported_jobs": 6,  # + R1's 1
    }
    assert figures["survival"] == k_survival(world)  # R1 (D7) is not 6 months old: nothing changes
    assert len(figures["ceremonies"]) == 1
    # The 7 provinces of the region, in code order; Khémisset's and Rabat's rows as their own dashboards.
    assert [row["code"] for row in figures["provinces"]] == [
        "04.281",
        "04.291",
        "04.421",
        "04.441",
        "04.481",
        "04.491",
        "04.501",
    ]
    rows = place_rows(figures["provinces"])
    assert {
        code: (r["beneficiaries"], r["projects"], r["approved"], r["committed"], r["delivered"])
        for code, r in rows.items()
    } == {
        "04.291": (14, 12, 7, D("116000"), D("85000")),
        "04.421": (2, 2, 1, D("30000"), D("30000")),
    }


def test_every_figure_of_the_national_dashboard(world, admin_client):
    figures = get_json(admin_client, NATIONAL_URL)
    assert figures["scope"] == {"level": "national", "code": "", "name_fr": "Maroc", "name_ar": "المغرب"}
    # + Casablanca's CL1 (M29, funded by C1, never visited)
    assert figures["beneficiaries"] == {
        "total": 17,
        "by_status": {
            "registered": 3,
            "accompanied": 1,
            "project_in_preparation": 4,
            "funded": 3,
            "followed_up": 6,
            "exited": 0,
        },
        "by_sex": {"M": 10, "F": 7},
        "by_age_band": {"16-24": 3, "25-34": 6, "35-44": 5, "45+": 3, "under-16": 0},
        "registered_this_year": 16,
    }
    assert figures["projects"] == {
        "total": 15,
        "by_status": {
            "draft": 2,
            "submitted": 1,
            "studied": 1,
            "approved": 1,
            "rejected": 1,
            "withdrawn": 1,
            "in_handover": 1,
            "funded": 4,
            "operating": 2,
            "closed": 1,
        },
        "funnel": {"submitted": 12, "studied": 10, "approved": 9, "in_handover": 8, "funded": 7, "operating": 2},
        "by_sector": sectors(crafts=4, trade=5, catering=1, agriculture=2, repair=2, digital=1),
        "approved": 9,
        "average_cost": D("21000"),  # (149,000 + 40,000) / 9
        "expected_jobs": 17,  # + C1's 4
    }
    assert figures["money"] == {
        "envelope": D("4100000"),  # every convention: 500,000 + 1,000,000 + 400,000 + 2,200,000
        "committed": D("186000"),  # + C1 40,000
        "delivered": D("155000"),
        "remaining": D("3914000"),  # 417,000 + NAT 955,000 + 370,000 + 2,172,000
        "by_kind": {
            "equipment": {"committed": D("137000"), "delivered": D("117000")},
            "cash": {"committed": D("49000"), "delivered": D("38000")},
        },
        "by_partner": [
            {"partner": "ANAPEC", "envelope": D("0"), "committed": D("0"), "delivered": D("0"), "remaining": D("0")},
            {
                "partner": "FM6RD",
                "envelope": D("800000"),
                "committed": D("39000"),
                "delivered": D("28000"),
                "remaining": D("761000"),
            },  # NAT's 5,000 is under a convention of the scope now
            {
                "partner": "INDH",
                "envelope": D("1250000"),
                "committed": D("147000"),
                "delivered": D("127000"),
                "remaining": D("1103000"),
            },
        ],
    }
    nat = next(row for row in figures["conventions"] if row["reference"] == "NAT-2024-CONV")
    assert (nat["in_scope"], nat["envelope"], nat["committed"], nat["delivered"], nat["remaining"]) == (
        True,
        D("1000000"),
        D("45000"),
        D("40000"),
        D("955000"),
    )
    assert nat["beneficiaries_funded"] == 1  # CL1; L4's P4 has received nothing
    assert figures["follow_up"] == {
        "visits_due": 1,
        "visits_overdue": 4,  # + C1 (3 months after D8)
        "funded_projects": 7,
        "visited_last_6_months": 3,
        "visited_share": D("42.9"),  # 3 / 7
        "reported_jobs": 6,
    }
    survival = k_survival(world)
    d8 = half(world.dates["D8"])
    # C1, first handed over on D8 and never visited: eligible everywhere, observed nowhere.
    survival["overall"] = {
        "6": cell(6, 2, 2, D("100.0")),
        "12": cell(6, 2, 1, D("50.0")),
        "24": cell(5, 1, 1, D("100.0")),
    }
    survival["by_cohort"][1] = {"cohort": d8, **{m: cell(3, 1, 1, D("100.0")) for m in ("6", "12", "24")}}
    survival["by_sector"].insert(2, {"sector": "digital", **{m: cell(1, 0, 0, None) for m in ("6", "12", "24")}})
    assert figures["survival"] == survival
    assert len(figures["provinces"]) == 75 and len(figures["regions"]) == 12
    assert {
        code: (r["beneficiaries"], r["projects"], r["approved"], r["committed"], r["delivered"])
        for code, r in place_rows(figures["provinces"]).items()
    } == {
        "04.291": (14, 12, 7, D("116000"), D("85000")),
        "04.421": (2, 2, 1, D("30000"), D("30000")),
        "06.141": (1, 1, 1, D("40000"), D("40000")),
    }
    assert {
        code: (r["beneficiaries"], r["projects"], r["approved"], r["committed"], r["delivered"])
        for code, r in place_rows(figures["regions"]).items()
    } == {
        "04": (16, 14, 8, D("146000"), D("115000")),
        "06": (1, 1, 1, D("40000"), D("40000")),
    }


def test_a_reversal_cancels_its_delivery_and_a_rejection_or_withdrawal_commits_nothing(world, admin_client):
    p7 = get_json(admin_client, K_URL, sector="trade")  # trade: P2 (submitted), P6 (withdrawn), P7, H2's
    # P7's 12,000 + 6,000 committed, H2's 8,000; delivered 12,000 (the cash 6,000 reversed) + 8,000.
    assert (p7["money"]["committed"], p7["money"]["delivered"]) == (D("26000"), D("20000"))
    assert p7["projects"]["by_status"]["withdrawn"] == 1
    agriculture = get_json(admin_client, K_URL, sector="agriculture")  # P5 (rejected, one line approved), P9
    assert agriculture["money"]["committed"] == D("20000")  # P9 alone: P5's approved 4,000 is released


def test_the_filters_narrow_the_figures_as_documented(world, admin_client):
    ck, hist = world.conventions["CK"], world.conventions["HIST"]
    # convention: the projects with a line under it, and only those lines; its envelope alone.
    by_convention = get_json(admin_client, K_URL, convention=ck.pk)
    assert by_convention["filters"] == {**NO_FILTER, "convention": "KHE-2025-CONV"}
    assert by_convention["projects"]["total"] == 10  # P1–P10
    assert by_convention["money"]["envelope"] == D("500000")
    assert by_convention["money"]["committed"] == D("83000")  # without P4's NAT line
    assert by_convention["money"]["delivered"] == D("57000")
    assert by_convention["pipeline"]["approved_not_delivered"] == {"projects": 1, "amount": D("20000")}
    assert [row["reference"] for row in by_convention["conventions"]] == ["KHE-2025-CONV"]
    assert by_convention["beneficiaries"]["total"] == 14  # the registry is the place's, whatever the filters
    # partner: the projects it funds (or studies), only its lines, its contributions as the envelope.
    fm6rd = get_json(admin_client, K_URL, partner=world.projects["P9"].lines.get().partner_id)
    assert fm6rd["filters"]["partner"] == "FM6RD"
    assert fm6rd["projects"]["total"] == 5  # P4 P5 P7 P9 H2's
    assert (fm6rd["money"]["committed"], fm6rd["money"]["delivered"]) == (D("39000"), D("28000"))
    assert fm6rd["money"]["envelope"] == D("250000")  # its CK 200,000 + HIST 50,000
    # sector
    repair = get_json(admin_client, K_URL, sector="repair")
    assert repair["projects"]["total"] == 2  # P8, P10
    assert (repair["money"]["committed"], repair["money"]["delivered"]) == (D("25000"), D("25000"))
    assert repair["survival"]["overall"]["12"] == cell(2, 1, 0, D("0.0"))
    # year and INDH phase choose conventions
    for params in ({"year": 2016}, {"indh_phase": "II"}, {"convention": hist.pk}):
        past = get_json(admin_client, K_URL, **params)
        assert past["projects"]["total"] == 2, params
        assert (past["money"]["envelope"], past["money"]["committed"], past["money"]["delivered"]) == (
            D("2200000"),
            D("28000"),
            D("28000"),
        ), params
        assert past["ceremonies"][0]["delivered_value"] == D("20000")
    phase_three = get_json(admin_client, K_URL, indh_phase="III")  # CK and NAT
    assert phase_three["projects"]["total"] == 10
    assert phase_three["money"]["committed"] == D("88000")  # 83,000 + NAT 5,000
    assert phase_three["money"]["envelope"] == D("500000")  # NAT is not Khémisset's
    assert phase_three["ceremonies"] == []  # the 2017 ceremony handed over HIST's lines only


def test_csv_and_xlsx_hold_the_figures_of_the_json(world, admin_client):
    raw = admin_client.get(K_URL, {"format": "json"})
    json_rows = expected_rows(raw.json())
    response = admin_client.get(K_URL, {"format": "csv"})
    assert response.status_code == 200
    rows = csv_rows(response.content)
    assert rows[0] == ["section", "item", "measure", "value"]
    body = [tuple(row) for row in rows[1:] if row[0] != "generated_at"]
    assert body == json_rows
    by_key = {(s, i, m): v for s, i, m, v in body}
    assert D(by_key[("money", "", "committed")]) == D("116000")
    assert D(by_key[("money", "", "delivered")]) == D("85000")
    assert D(by_key[("money", "", "envelope")]) == D("2700000")
    assert by_key[("beneficiaries", "by_sex", "F")] == "6"
    assert D(by_key[("money", "by_partner / INDH", "remaining")]) == D("323000")
    assert by_key[("conventions", "KHE-2025-CONV", "beneficiaries_funded")] == "5"
    assert by_key[("conventions", "NAT-2024-CONV", "envelope")] == ""
    assert by_key[("survival", "by_cohort / 2017-H1 / 6", "eligible")] == "2"

    response = admin_client.get(K_URL, {"format": "xlsx"})
    assert response.status_code == 200
    sheet = xlsx_rows(response.content)
    assert sheet[0] == ["section", "item", "measure", "value"]
    cells = [tuple(row) for row in sheet[1:] if row[0] != "generated_at"]
    assert [row[:3] for row in cells] == [row[:3] for row in json_rows]
    for cell_row, json_row in zip(cells, json_rows, strict=True):
        assert same_value(cell_row[3], json_row[3]), (cell_row, json_row)
    numbers = {(s, i, m): v for s, i, m, v in sheet[1:]}
    assert D(str(numbers[("money", "", "committed")])) == D("116000")
    assert numbers[("projects", "by_status", "funded")] == 3


def expected_rows(figures: dict) -> list[tuple]:
    """The JSON flattened as the files are: (section, item path, measure, value as text)."""
    rows = []
    for key in ("scope", "filters"):
        rows += [(key, "", measure, json_text(value)) for measure, value in figures[key].items()]
    identity = ("reference", "partner", "cohort", "sector", "code", "month", "held_on")

    def walk(section, path, value):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(section, [*path, str(k)], v)
        elif isinstance(value, list):
            for row in value:
                label = next((str(row[k]) for k in identity if k in row), "")
                walk(section, [*path, label], {k: v for k, v in row.items() if k not in identity})
        else:
            rows.append((section, " / ".join(path[:-1]), path[-1], json_text(value)))

    for section, value in figures.items():
        if section not in ("scope", "filters", "generated_at"):
            walk(section, [], value)
    return rows


def json_text(value) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return str(value)
    return str(value)


def same_value(cell, text: str) -> bool:
    """An XLSX cell holds what the CSV's text says: numbers as numbers, dates as dates."""
    if isinstance(cell, bool | str):
        return str(cell) == text
    if isinstance(cell, int | float):
        return D(str(cell)) == D(text)
    if hasattr(cell, "date"):
        return cell.date().isoformat() == text
    return False


def test_decimals_reads_amounts_only():
    assert decimals({"committed": "1.50", "code": "04.291"}) == {"committed": D("1.5"), "code": "04.291"}
