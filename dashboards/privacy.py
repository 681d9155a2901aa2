"""People in small counts: what officials see of the figures (DESIGN.md §2, Law 09-08).

A breakdown of people finer than its total (by status, sex, age band, province, cohort) shows a
count of 1 or 2 as "< 3" to officials, in the page and in their exports. Where one cell alone is
hidden, the total beside it would give it away, so the next smallest cell is hidden too ("—").
Amounts of money and counts of projects stay exact. A zero is shown: it names nobody. Staff,
coordinators and administrators, who may see the people anyway, see every figure exact.
"""

import copy

SMALL = "< 3"
HIDDEN = "—"  # hidden so that a total does not give away a count below 3


def hides_small_counts(user) -> bool:
    return user.role == user.Role.OFFICIAL


def is_small(value) -> bool:
    return isinstance(value, int) and 0 < value < 3


def suppress_partition(cells: dict) -> dict:
    """The cells of a breakdown that adds up to a total shown beside it."""
    shown = {key: SMALL if is_small(value) else value for key, value in cells.items()}
    small = [key for key, value in cells.items() if is_small(value)]
    if len(small) == 1:
        others = [key for key, value in cells.items() if isinstance(value, int) and value >= 3]
        if others:
            shown[min(others, key=lambda key: (cells[key], str(key)))] = HIDDEN
    return shown


def suppress_column(rows: list, column: str) -> None:
    """A column of a table whose rows add up to the scope's total (people per province or region)."""
    shown = suppress_partition({index: row[column] for index, row in enumerate(rows)})
    for index, row in enumerate(rows):
        row[column] = shown[index]


def suppress_survival(rows: list) -> None:
    """Survival per cohort or sector: a cell observed on 1 or 2 businesses tells of those people."""
    for months in ("6", "12", "24"):
        observed = suppress_partition({index: row[months]["observed"] for index, row in enumerate(rows)})
        for index, row in enumerate(rows):
            if observed[index] in (SMALL, HIDDEN):
                row[months] = {**row[months], "observed": observed[index], "running": observed[index], "share": None}


def for_viewer(figures: dict, user) -> dict:
    """The figures as `user` may see them: a copy with small counts of people hidden for officials."""
    if not hides_small_counts(user):
        return figures
    shown = copy.deepcopy(figures)
    people = shown["beneficiaries"]
    if is_small(people["total"]):
        people["total"] = SMALL
    for breakdown in ("by_status", "by_sex", "by_age_band"):
        people[breakdown] = suppress_partition(people[breakdown])
    people["registered_this_year"] = small_or_exact(people["registered_this_year"])
    for convention in shown["conventions"]:
        convention["beneficiaries_funded"] = small_or_exact(convention["beneficiaries_funded"])
    planned = shown["pipeline"]["planned"]
    planned["beneficiaries"] = small_or_exact(planned["beneficiaries"])
    for ceremony in shown["ceremonies"]:
        ceremony["beneficiaries"] = small_or_exact(ceremony["beneficiaries"])
    for table in ("provinces", "regions"):
        if table in shown:
            suppress_column(shown[table], "beneficiaries")
    suppress_survival(shown["survival"]["by_cohort"])
    suppress_survival(shown["survival"]["by_sector"])
    # The overall row is the total of the cohorts' (and the sectors'): with one cohort hidden and the
    # others at zero, an exact total of 1 or 2 beside them would say what the hidden cell holds.
    overall = shown["survival"]["overall"]
    for months, cell in overall.items():
        if is_small(cell["observed"]):
            overall[months] = {**cell, "observed": SMALL, "running": SMALL, "share": None}
    return shown


def small_or_exact(value):
    return SMALL if is_small(value) else value
