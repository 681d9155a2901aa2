"""The dry run of a history import: every row checked, grouped into projects, and each project
checked against the registry, the conventions and what their contributions have left.

A row is one funding line of a past project; the rows of one project share the CIN and the title.
A project is imported whole or not at all: one invalid row makes its other rows invalid too. A
project already imported (same lead, title and convention) is "unchanged": importing a file
again changes nothing. Queries go by the whole file (CINs with `cin__in`, projects by lead and
title), never one per row.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import timezone, translation

from beneficiaries.identity import EASTERN_DIGITS, normalise_cin, validate_cin
from beneficiaries.importing.checking import (
    CHUNK,
    INVALID,
    NEW,
    STORED_COLUMNS,
    STORED_PROBLEMS,
    UNCHANGED,
    RegistryMatcher,
    RowResult,
    first_ones,
    name_rows,
)
from beneficiaries.importing.messages import cell_problem
from beneficiaries.importing.reading import Table
from beneficiaries.importing.rows import RowChecker, as_text
from beneficiaries.models import Beneficiary
from disbursements.history.columns import PERSON_FIELDS, registers_people
from partners.models import Contribution, Convention, Partner
from projects.models import FundingLine, MicroProject
from reintegration.lib.money import to_amount
from reintegration.lib.names import fold
from territory.models import Province

ZERO = Decimal("0")
TEXT_LIMITS = {"title": 200, "commune": 100, "ceremony_place": 200}
# What a project's rows must agree on (the first row gives them).
SHARED_FIELDS = {"cin", "commune"}  # cells of the project row that the person's checker reads too
PROJECT_FIELDS = ["sector", "commune", "total_cost", "own_contribution", "technical_partner"]
KIND_WORDS = {
    FundingLine.Kind.EQUIPMENT: [
        "materiel",
        "matériel",
        "en nature",
        "nature",
        "عيني",
        "معدات",
        "تجهيزات",
        "equipement",
    ],
    FundingLine.Kind.CASH: ["especes", "espèces", "numeraire", "numéraire", "argent", "نقدي", "نقدا", "مال"],
}
AMOUNT_NOISE = re.compile(r"[\s\u00a0\u202f']|mad|dhs?|درهم", re.IGNORECASE)


def choices_in_every_language(choices, extra=None) -> dict[str, str]:
    """Code, or label in English, French or Arabic, folded → code."""
    known = {fold(word): code for code, words in (extra or {}).items() for word in words}
    for language in ("en", "fr", "ar"):
        with translation.override(language):
            for code, label in choices:
                known[fold(code)] = code
                known[fold(str(label))] = code
    return known


def parse_amount(text: str) -> Decimal | None:
    """12500, 12 500,00, 12.500,00, 12,500.00, "12 500 DH", Arabic-Indic digits; None when not an amount."""
    text = AMOUNT_NOISE.sub("", text.translate(EASTERN_DIGITS).replace("٫", ",").replace("٬", ""))
    if "," in text and "." in text:  # the last mark is the decimal one
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    text = text.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d{1,2})?", text):
        return None
    try:
        return to_amount(Decimal(text))
    except InvalidOperation:
        return None


@dataclass
class LineRow:
    """One row of the file: a funding line, its delivery, and where it stands."""

    number: int
    values: dict
    action: str = NEW

    @property
    def project_key(self):
        return (self.values.get("cin"), fold(self.values.get("title", "")))


@dataclass
class ProjectGroup:
    """The rows of one past project, in file order."""

    rows: list[LineRow]
    person: Beneficiary | None = None  # registered already
    new_person: RowResult | None = None  # registered by this file
    existing: MicroProject | None = None
    action: str = NEW

    @property
    def first(self) -> LineRow:
        return self.rows[0]

    @property
    def numbers(self) -> list[int]:
        return [row.number for row in self.rows]

    def mark(self, action: str) -> None:
        self.action = action
        for row in self.rows:
            row.action = action


@dataclass
class HistoryPlan:
    province: Province
    rows: list[LineRow]
    projects: list[ProjectGroup]
    problems: list[dict]
    warnings: list[dict]
    unknown_columns: list[dict]
    table: Table
    new_ceremonies: int = 0
    spending: dict = field(default_factory=dict)  # (convention id, partner id) → what the new projects take

    def projects_in(self, action: str) -> list[ProjectGroup]:
        return [group for group in self.projects if group.action == action]

    @property
    def counts(self) -> dict:
        """Rows by action (the job's valid and invalid rows), then what a commit would write."""
        counts = dict.fromkeys((NEW, "updated", UNCHANGED, INVALID), 0)
        for row in self.rows:
            counts[row.action] += 1
        new = self.projects_in(NEW)
        lines = sum(len(group.rows) for group in new)
        people = {group.new_person.values["cin"] for group in new if group.new_person}
        return {
            **counts,
            "projects_new": len(new),
            "projects_unchanged": len(self.projects_in(UNCHANGED)),
            "lines": lines,
            "handovers": lines,
            "people_new": len(people),
            "ceremonies_new": self.new_ceremonies,
        }

    def report(self) -> dict:
        return {
            "counts": self.counts,
            **first_ones("problems", self.problems, STORED_PROBLEMS),
            **first_ones("warnings", self.warnings, STORED_PROBLEMS),
            **first_ones("unknown_columns", self.unknown_columns, STORED_COLUMNS),
            "invalid_rows": [row.number for row in self.rows if row.action == INVALID],
            **({"header_row": self.table.header_row} if self.table.header_row > 1 else {}),
        }


class LineChecker(RowChecker):
    """One row's project and funding-line cells, with the beneficiary row checker's text rule and dates."""

    def __init__(self, header, province, *, today: date):
        super().__init__(header, today=today)
        self.province = province
        self.conventions = {fold(c.reference): c for c in Convention.objects.all()}
        self.partners = {fold(p.acronym): p for p in Partner.objects.all()}
        self.contributing = set(Contribution.objects.values_list("convention", "partner"))
        self.sectors = choices_in_every_language(MicroProject.Sector.choices)
        self.kinds = choices_in_every_language(FundingLine.Kind.choices, KIND_WORDS)

    def check(self, number: int, cells: dict) -> tuple[dict, list[dict]]:
        self.number, self.problems, self.refused, values = number, [], set(), {}
        cells = self.visible_text(cells)
        self.check_cin(cells, values)
        for name, limit in TEXT_LIMITS.items():
            text = as_text(cells.get(name))
            if len(text) > limit:
                self.refuse(name, "too_long", limit=limit)
            elif text:
                values[name] = " ".join(text.split())
        if "title" not in values:
            self.report("title", "required")
        self.check_choice(cells, values, "sector", self.sectors, "bad_sector")
        self.check_choice(cells, values, "kind", self.kinds, "bad_kind")
        self.check_amounts(cells, values)
        self.check_funding(cells, values)
        self.check_days(cells, values)
        return values, self.problems

    def check_cin(self, cells, values):
        cin = normalise_cin(as_text(cells.get("cin")))
        if not cin:
            self.report("cin", "required")
        elif "*" in cin:
            self.report("cin", "masked_cin")
        else:
            try:
                validate_cin(cin)
                values["cin"] = cin
            except Exception:  # ValidationError: the registry's rule, said the import's way
                self.report("cin", "invalid_cin")

    def check_choice(self, cells, values, name, known, code):
        text = as_text(cells.get(name))
        if not text:
            self.report(name, "required")
        elif fold(text) in known:
            values[name] = known[fold(text)]
        else:
            self.report(name, code, value=text[:40])

    def amount(self, cells, name, *, required=True) -> Decimal | None:
        text = as_text(cells.get(name))
        if not text:
            if required:
                self.report(name, "required")
            return None
        amount = parse_amount(text)
        if amount is None:
            self.report(name, "bad_amount", value=text[:40])
        return amount

    def check_amounts(self, cells, values):
        cost, own, amount = (self.amount(cells, name) for name in ("total_cost", "own_contribution", "amount"))
        if cost is not None and cost <= 0:
            self.report("total_cost", "cost_not_positive")
        elif cost is not None:
            values["total_cost"] = cost
        if own is not None and own < 0:
            self.report("own_contribution", "own_negative")
        elif own is not None and cost is not None and own > cost:
            self.report("own_contribution", "own_exceeds_cost", own=str(own), cost=str(cost))
        elif own is not None:
            values["own_contribution"] = own
        if amount is not None and amount <= 0:
            self.report("amount", "amount_not_positive")
        elif amount is not None:
            values["amount"] = amount

    def check_funding(self, cells, values):
        reference = as_text(cells.get("convention"))
        convention = self.conventions.get(fold(reference))
        if not reference:
            self.report("convention", "required")
        elif convention is None:
            self.report("convention", "unknown_convention", value=reference[:50])
        elif not convention.covers(self.province):
            self.report(
                "convention", "convention_elsewhere", reference=convention.reference, province=self.province.code
            )
        else:
            values["convention"] = convention
        acronym = as_text(cells.get("partner"))
        partner = self.partners.get(fold(acronym))
        if not acronym:
            self.report("partner", "required")
        elif partner is None:
            self.report("partner", "unknown_partner", value=acronym[:20])
        elif convention and (convention.pk, partner.pk) not in self.contributing:
            self.report("partner", "no_contribution", partner=partner.acronym, reference=convention.reference)
        else:
            values["partner"] = partner
        technical = as_text(cells.get("technical_partner"))
        if technical:
            partner = self.partners.get(fold(technical))
            if partner is None:
                self.report("technical_partner", "unknown_partner", value=technical[:20])
            elif not partner.is_technical:
                self.report("technical_partner", "not_technical", value=partner.acronym)
            else:
                values["technical_partner"] = partner

    def check_days(self, cells, values):
        delivered = self.date(cells, "delivered_on", required=True)
        convention = values.get("convention")
        if delivered and delivered > self.today:
            self.report("delivered_on", "delivery_in_future")
        elif delivered and convention and delivered < convention.starts_on:
            day = convention.starts_on.strftime("%d/%m/%Y")
            self.report("delivered_on", "delivery_before_convention", reference=convention.reference, day=day)
        elif delivered:
            values["delivered_on"] = delivered
        held = self.date(cells, "ceremony_on")
        if bool(held) != bool(values.get("ceremony_place")) and "ceremony_on" not in self.refused:
            field = "ceremony_on" if not held else "ceremony_place"
            self.report(field, "ceremony_incomplete")
        elif held and held > self.today:
            self.report("ceremony_on", "ceremony_in_future")
        elif held and convention and held < convention.starts_on:
            day = convention.starts_on.strftime("%d/%m/%Y")
            self.report("ceremony_on", "ceremony_before_convention", reference=convention.reference, day=day)
        elif held:
            values["ceremony_on"] = held


def build_history_plan(table, province, *, progress=None) -> HistoryPlan:
    """Check every row of `table` for import into `province`. `progress(rows_done)` is called per chunk."""
    today = timezone.localdate()
    checker = LineChecker(table.header, province, today=today)
    rows, problems = [], []
    for start in range(0, len(table.rows), CHUNK):
        for number, cells in table.rows[start : start + CHUNK]:
            values, row_problems = checker.check(
                number, {name: table.cell(cells, name) for name in table.header.fields}
            )
            rows.append(LineRow(number, values, INVALID if row_problems else NEW))
            problems += row_problems
        if progress:
            progress(min(start + CHUNK, len(table.rows)) // 2)  # the first half of the work
    groups = group_projects(rows)
    titles = table.header.titles
    problems += check_projects(groups, titles)
    people = PeopleCheck(table, province, today)
    problems += people.match(groups)
    warnings = people.warnings
    find_imported(groups, province)
    problems += check_spending(groups, titles)
    problems += spread_invalidity(groups, titles)
    if progress:
        progress(len(table.rows))
    problems.sort(key=lambda p: p["row"])
    name_rows(problems, table)
    plan = HistoryPlan(province, rows, groups, problems, warnings, table.header.unknown, table)
    plan.new_ceremonies = count_new_ceremonies(plan)
    return plan


def group_projects(rows: list[LineRow]) -> list[ProjectGroup]:
    """Rows of one CIN and one title (folded) are one project. A row without either stands alone."""
    groups, by_key = [], {}
    for row in rows:
        key = row.project_key
        if None in key or not key[1]:
            groups.append(ProjectGroup([row]))
        elif key in by_key:
            by_key[key].rows.append(row)
        else:
            by_key[key] = ProjectGroup([row])
            groups.append(by_key[key])
    return groups


def problem_at(row, field, code, titles, **params) -> dict:
    return cell_problem(code, row=row.number, field=field, titles=titles, **params)


def check_projects(groups, titles) -> list[dict]:
    """The rows of a project agree with its first row; one line per partner, convention and kind;
    the lines and the own contribution within the total cost."""
    problems = []
    for group in groups:
        first, seen = group.first, {}
        for row in group.rows:
            if row is not first:
                for name in PROJECT_FIELDS:
                    if name in row.values and name in first.values and row.values[name] != first.values[name]:
                        problems.append(problem_at(row, name, "project_differs", titles, first=first.number))
                        row.action = INVALID
            source = tuple(row.values.get(name) for name in ("partner", "convention", "kind"))
            if None not in source and source in seen:
                problems.append(problem_at(row, "partner", "line_twice", titles, first=seen[source]))
                row.action = INVALID
            seen.setdefault(source, row.number)
        cost, own = first.values.get("total_cost"), first.values.get("own_contribution")
        amounts = [row.values.get("amount") for row in group.rows]
        if cost is not None and own is not None and None not in amounts:
            planned = sum(amounts, own)
            if planned > cost:
                last = group.rows[-1]
                problems.append(
                    problem_at(last, "amount", "lines_exceed_cost", titles, planned=str(planned), cost=str(cost))
                )
                last.action = INVALID
    return problems


class PeopleCheck:
    """Who leads each project: a person registered in the province (by CIN), or one this file
    registers through the beneficiary columns, checked by the beneficiary import's row checker and
    registry matcher exactly as a beneficiary import would."""

    def __init__(self, table, province, today):
        self.table, self.province = table, province
        self.titles = table.header.titles
        self.person_checker = RowChecker(table.header, today=today)
        self.can_register = registers_people(table.header.fields)
        self.cells = dict(table.rows)  # row number → its cells
        self.warnings = []

    def person_cells(self, number) -> dict:
        cells = self.cells[number]
        return {name: self.table.cell(cells, name) for name in PERSON_FIELDS if name in self.table.header.fields}

    def match(self, groups) -> list[dict]:
        cins = {group.first.values["cin"] for group in groups if "cin" in group.first.values}
        registered = {person.cin: person for person in Beneficiary.objects.filter(cin__in=cins)}
        provinces = dict(Province.objects.values_list("pk", "code"))
        problems, new_people = [], {}  # CIN → the RowResult registering them (its first row)
        for group in groups:
            cin = group.first.values.get("cin")
            if cin is None:
                continue
            person = registered.get(cin)
            if person and person.province_id != self.province.pk:
                problems.append(
                    problem_at(group.first, "cin", "cin_taken", self.titles, province=provinces[person.province_id])
                )
                group.first.action = INVALID
            elif person:
                group.person = person
            elif not self.can_register:
                problems.append(problem_at(group.first, "cin", "person_not_registered", self.titles))
                group.first.action = INVALID
            elif cin in new_people:
                group.new_person = new_people[cin]
                problems += self.same_person(group, new_people[cin])
            else:
                values, found = self.person_checker.check(group.first.number, self.person_cells(group.first.number))
                problems += found
                if found:
                    group.first.action = INVALID
                else:
                    new_people[cin] = group.new_person = RowResult(group.first.number, values)
        # The beneficiary import's matcher: a CIN registered meanwhile, or a probable duplicate (a warning).
        matcher = RegistryMatcher(self.province, self.titles)
        results = list(new_people.values())
        for start in range(0, len(results), CHUNK):
            problems += matcher.match(results[start : start + CHUNK])
        self.warnings = matcher.warnings
        for group in groups:
            result = group.new_person
            if result is not None and (result.action == INVALID or result.existing is not None):
                group.first.action = INVALID  # the matcher said why (a CIN taken meanwhile)
        return problems

    def same_person(self, group, registering: RowResult) -> list[dict]:
        """A later project of a person this file registers: its beneficiary cells, where filled, say the same."""
        cells = self.person_cells(group.first.number)
        if not any(as_text(value) for name, value in cells.items() if name not in SHARED_FIELDS):
            return []  # only the project's CIN and commune: nothing said about the person
        values, found = self.person_checker.check(group.first.number, cells)
        differs = any(registering.values.get(k) != v for k, v in values.items() if k not in SHARED_FIELDS)
        if found or differs:
            group.first.action = INVALID
            return [problem_at(group.first, "cin", "person_twice_differs", self.titles, first=registering.number)]
        return []


def find_imported(groups, province) -> None:
    """A project of the same lead and title with a line of the same convention is already there:
    imported before (or recorded by hand). Its rows are unchanged, and nothing is written for them."""
    leads = {group.person.pk: group for group in groups if group.person}
    titles = {group.first.values["title"] for group in groups if group.person and "title" in group.first.values}
    if not leads:
        return
    found = defaultdict(set)
    lines = FundingLine.objects.filter(
        project__lead__in=list(leads), project__title__in=titles, project__province=province
    ).values_list("project__lead", "project__title", "convention", "project")
    for lead, title, convention, project in lines:
        found[lead, fold(title)].add((convention, project))
    for group in groups:
        if group.person is None:
            continue
        conventions = {row.values["convention"].pk for row in group.rows if "convention" in row.values}
        known = found.get((group.person.pk, fold(group.first.values.get("title", ""))), set())
        matching = [project for convention, project in known if convention in conventions]
        if matching and all(row.action != INVALID for row in group.rows):
            group.existing = MicroProject(pk=matching[0])
            group.mark(UNCHANGED)


def check_spending(groups, titles) -> list[dict]:
    """What the new projects take from each contribution, in file order, within what it has left
    (its amount less the approved lines of projects that hold them). The row that would overspend
    is invalid, and its project with it; its amounts are not counted for the projects after it."""
    pairs = {
        (row.values["convention"].pk, row.values["partner"].pk)
        for group in groups
        for row in group.rows
        if "convention" in row.values and "partner" in row.values
    }
    contributions = {
        (c.convention_id, c.partner_id): c
        for c in Contribution.objects.filter(convention__in={c for c, _ in pairs}).select_related(
            "convention", "partner"
        )
    }
    left = {pair: FundingLine.objects.left_in(contributions[pair]) for pair in pairs if pair in contributions}
    problems = []
    for group in groups:
        if group.action != NEW or any(row.action == INVALID for row in group.rows):
            continue
        taken, over = defaultdict(lambda: ZERO), []
        for row in group.rows:
            pair = (row.values["convention"].pk, row.values["partner"].pk)
            taken[pair] += row.values["amount"]
            if taken[pair] > left.get(pair, ZERO):
                contribution = contributions[pair]
                room = max(left.get(pair, ZERO) - taken[pair] + row.values["amount"], ZERO)
                over.append(
                    problem_at(
                        row,
                        "amount",
                        "overspends",
                        titles,
                        partner=contribution.partner.acronym,
                        reference=contribution.convention.reference,
                        left=str(room),
                        amount=str(row.values["amount"]),
                    )
                )
                row.action = INVALID
        if over:
            problems += over
        else:
            for pair, amount in taken.items():
                left[pair] -= amount
    return problems


def spread_invalidity(groups, titles) -> list[dict]:
    """A project with an invalid row is invalid whole: its other rows say which row."""
    problems = []
    for group in groups:
        invalid = [row.number for row in group.rows if row.action == INVALID]
        if not invalid:
            continue
        group.action = INVALID
        for row in group.rows:
            if row.action != INVALID:
                row.action = INVALID
                rows = ", ".join(map(str, invalid))
                problems.append(problem_at(row, "title", "project_invalid_row", titles, rows=rows))
    return problems


def ceremony_keys(plan) -> set:
    return {
        (row.values["ceremony_on"], row.values["ceremony_place"])
        for group in plan.projects_in(NEW)
        for row in group.rows
        if "ceremony_on" in row.values
    }


def count_new_ceremonies(plan) -> int:
    from disbursements.models import Ceremony

    keys = ceremony_keys(plan)
    if not keys:
        return 0
    existing = set(
        Ceremony.objects.filter(province=plan.province, held_on__in={day for day, _ in keys}).values_list(
            "held_on", "place"
        )
    )
    return len(keys - existing)
