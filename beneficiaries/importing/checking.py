"""The dry run: every row checked against the file and the registry, without writing anything.

Queries go by chunks of rows (existing CINs with `cin__in`, duplicate candidates with
`date_of_birth__in`), never one per row: a 10,000-row file costs a few dozen queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from beneficiaries.importing.messages import cell_problem
from beneficiaries.importing.reading import Table
from beneficiaries.importing.rows import RowChecker, as_text
from beneficiaries.models import Beneficiary
from reintegration.lib.names import person_keys as name_keys
from reintegration.lib.text import without_controls
from territory.models import Province

CHUNK = 500
STORED_PROBLEMS = 200  # problems, and warnings, kept in a report (the page shows them all)
STORED_COLUMNS = 20  # unknown columns listed in a report
NEW, UPDATED, UNCHANGED, INVALID = "new", "updated", "unchanged", "invalid"
NAME_FIELDS_IN_ORDER = ["first_name", "last_name", "first_name_ar", "last_name_ar"]
MAX_SHOWN_NAME = 120
CANDIDATE_FIELDS = ["pk", "cin", "province_id", "person_key", "person_key_ar", "updated_at"]
# What the user may decide about a probable duplicate: register it anyway (the duplicate then
# counts as dismissed), leave the row out, or update the registered person with the row's values.
IMPORT_AS_NEW, SKIP, MERGE = "new", "skip", "merge"
DECISIONS = (IMPORT_AS_NEW, SKIP, MERGE)
# Cells read as codes, dates or numbers. The text fields follow the text rule of the row checker.


@dataclass
class RowResult:
    number: int
    values: dict
    action: str = NEW
    existing: Beneficiary | None = None
    changed: list[str] = field(default_factory=list)
    probable_duplicate: bool = False
    duplicate_of: dict | None = None  # the registered person it resembles (CANDIDATE_FIELDS), if any

    def duplicate(self, province_codes: dict, province) -> dict:
        """What the preview shows of this probable duplicate and the commit checks again (JSON).

        `version` is the person's last change: a person changed since the preview sends the import
        back to it. Merging needs the person in the import's province, and no other CIN than the row's.
        """
        person = self.duplicate_of
        if person is None:  # resembles another row of the file: import it or skip it
            return {"row": self.number, "person": None, "province": "", "version": "", "mergeable": False}
        other_cin = bool(person["cin"] and self.values.get("cin") and person["cin"] != self.values["cin"])
        return {
            "row": self.number,
            "person": person["pk"],
            "province": province_codes[person["province_id"]],
            "version": person["updated_at"].isoformat(),
            "mergeable": person["province_id"] == province.pk and not other_cin,
        }


@dataclass
class Plan:
    province: Province
    results: list[RowResult]
    problems: list[dict]
    warnings: list[dict]
    unknown_columns: list[dict]
    table: Table  # what was checked: the file of invalid rows copies its rows
    province_codes: dict = field(default_factory=dict)

    def rows(self, *actions) -> list[RowResult]:
        return [result for result in self.results if result.action in actions]

    def duplicates(self) -> list[RowResult]:
        """The probable duplicates the preview lists with a choice: the first STORED_PROBLEMS of them."""
        return [r for r in self.results if r.probable_duplicate and r.action != INVALID][:STORED_PROBLEMS]

    @property
    def counts(self) -> dict:
        counts = dict.fromkeys((NEW, UPDATED, UNCHANGED, INVALID), 0)
        for result in self.results:
            counts[result.action] += 1
        return counts

    def report(self) -> dict:
        """What the job stores (JSON): the counts and row numbers in full, the lists shown on the page cut.

        A file can hold 260,000 problems (20,000 rows × 13 columns): the report keeps the first
        STORED_PROBLEMS and the count of the others (`more_problems`); the file of invalid rows,
        built by the worker from the plan itself, lists them all.
        """
        return {
            "counts": self.counts,
            **first_ones("problems", self.problems, STORED_PROBLEMS),
            **first_ones("warnings", self.warnings, STORED_PROBLEMS),
            **first_ones("unknown_columns", self.unknown_columns, STORED_COLUMNS),
            "invalid_rows": [r.number for r in self.results if r.action == INVALID],
            "duplicate_rows": [r.number for r in self.results if r.probable_duplicate and r.action != INVALID],
            # The ones the user decides about, row by row (the others are imported as new people).
            "duplicates": [result.duplicate(self.province_codes, self.province) for result in self.duplicates()],
            **({"header_row": self.table.header_row} if self.table.header_row > 1 else {}),
        }


def first_ones(key: str, items: list, limit: int) -> dict:
    """{key: the first `limit` items}, plus {"more_<key>": how many were left out} when some were."""
    return {key: items[:limit], **({f"more_{key}": len(items) - limit} if len(items) > limit else {})}


def build_plan(table, province, *, progress=None) -> Plan:
    """Check every row of `table` for import into `province`. `progress(rows_done)` is called per chunk."""
    checker = RowChecker(table.header, today=timezone.localdate())
    results, problems = [], []
    for number, cells in table.rows:
        values, row_problems = check_row(checker, table, number, cells)
        results.append(RowResult(number, values, INVALID if row_problems else NEW))
        problems += row_problems
    problems += flag_repeats_in_file(results, table.header.titles)
    matcher = RegistryMatcher(province, table.header.titles)
    for start in range(0, len(results), CHUNK):
        chunk = results[start : start + CHUNK]
        problems += matcher.match(chunk)
        if progress:
            progress(start + len(chunk))
    problems.sort(key=lambda p: p["row"])
    name_rows(problems, table)
    return Plan(province, results, problems, matcher.warnings, table.header.unknown, table, matcher.province_codes)


def check_row(checker, table, number, cells) -> tuple[dict, list[dict]]:
    """One row's values and problems. A cell holding a control or invisible character gets that
    problem only (RowChecker.visible_text): PostgreSQL refuses NUL in text and in the JSON report,
    so whatever the commit would refuse, the dry run refuses, with its row and column."""
    return checker.check(number, {name: table.cell(cells, name) for name in table.header.fields})


def name_rows(problems: list[dict], table) -> None:
    """Each row's problem carries the person's name as the row writes it (first and last, in
    whatever script, even a name refused): "row 412" alone means little to the reader."""
    names = {}
    for number, cells in table.rows:
        parts = (as_text(table.cell(cells, name)) for name in NAME_FIELDS_IN_ORDER)
        names[number] = without_controls(" ".join(part for part in parts if part))[:MAX_SHOWN_NAME]
    for item in problems:
        if item["row"] is not None:
            item["name"] = names.get(item["row"], "")


def name_column(titles: dict) -> str:
    """The column a problem about the whole name points at: the first-name column the file has."""
    return "first_name" if "first_name" in titles else "first_name_ar"


def person_keys(values: dict) -> set[str]:
    keys = name_keys(values.get("first_name", ""), values.get("last_name", "")) | name_keys(
        values.get("first_name_ar", ""), values.get("last_name_ar", "")
    )
    return keys - {""}


def flag_repeats_in_file(results, titles) -> list[dict]:
    """The same CIN twice, or the same person without a CIN twice: every occurrence is invalid."""
    by_identity = defaultdict(list)
    for result in results:
        values = result.values
        if values.get("cin"):
            by_identity["cin", values["cin"]].append(result)
        elif values.get("no_cin_reason") and values.get("date_of_birth"):
            for key in person_keys(values):
                by_identity["person", values["date_of_birth"], key].append(result)
    problems, flagged = [], set()
    for identity, repeated in by_identity.items():
        numbers = sorted({r.number for r in repeated})
        if len(numbers) < 2:
            continue
        code, column = ("cin_twice", "cin") if identity[0] == "cin" else ("person_twice", name_column(titles))
        for result in repeated:
            if (result.number, code) not in flagged:
                flagged.add((result.number, code))
                result.action = INVALID
                rows = ", ".join(map(str, numbers))
                problems.append(cell_problem(code, row=result.number, field=column, titles=titles, rows=rows))
    return problems


class RegistryMatcher:
    """Finds, per chunk, who each row is in the registry: the same CIN, the same person without a CIN, or nobody."""

    def __init__(self, province, titles):
        self.province = province
        self.titles = titles
        self.province_codes = dict(Province.objects.values_list("pk", "code"))
        self.warnings = []
        self.seen = {}  # (date of birth, person key) → first row number, for duplicates inside the file

    def match(self, chunk: list[RowResult]) -> list[dict]:
        problems = []
        valid = [r for r in chunk if r.action != INVALID]
        cins = [r.values["cin"] for r in valid if "cin" in r.values]
        by_cin = {person.cin: person for person in Beneficiary.objects.filter(cin__in=cins)} if cins else {}
        without_registered_cin = [r for r in valid if r.values.get("cin") not in by_cin]
        candidates = self.candidates({r.values["date_of_birth"] for r in without_registered_cin})
        same_person = self.same_person_without_cin(valid, candidates)
        for result in valid:
            existing = by_cin.get(result.values.get("cin")) or same_person.get(result.number)
            if result.number in same_person and existing is None:
                result.action = INVALID
                problems.append(self.row_problem(result, name_column(self.titles), "ambiguous_match"))
            elif existing and existing.province_id != self.province.pk:
                result.action = INVALID
                code = self.province_codes[existing.province_id]
                problems.append(self.row_problem(result, "cin", "cin_taken", province=code))
            elif existing:
                result.existing = existing
                result.changed = [name for name, value in result.values.items() if getattr(existing, name) != value]
                result.action = UPDATED if result.changed else UNCHANGED
            else:
                self.warn_probable_duplicates(result, candidates)
        return problems

    def row_problem(self, result, field, code, **params):
        return cell_problem(code, row=result.number, field=field, titles=self.titles, **params)

    def candidates(self, dates) -> dict:
        """Registered people born on these dates, anywhere in the country: date → [dict of CANDIDATE_FIELDS]."""
        found = defaultdict(list)
        if dates:
            for person in Beneficiary.objects.filter(date_of_birth__in=dates).values(
                *CANDIDATE_FIELDS, "date_of_birth"
            ):
                found[person["date_of_birth"]].append(person)
        return found

    def same_person_without_cin(self, results, candidates) -> dict:
        """Row number → the registered person without a CIN in this province with this name and birth date.

        None when several match: the row cannot say which one it updates.
        """
        matches = {}
        for result in results:
            if result.values.get("cin"):
                continue
            keys = person_keys(result.values)
            found = [
                person["pk"]
                for person in candidates.get(result.values["date_of_birth"], [])
                if person["cin"] is None
                and person["province_id"] == self.province.pk
                and (person["person_key"] in keys or person["person_key_ar"] in keys)
            ]
            if found:
                matches[result.number] = found[0] if len(found) == 1 else None
        people = Beneficiary.objects.in_bulk([pk for pk in matches.values() if pk])
        return {number: people.get(pk) if pk else None for number, pk in matches.items()}

    def warn_probable_duplicates(self, result, candidates):
        """A new row whose birth date and name outline match someone: warned, imported once confirmed.

        The warning names the province, not the person: they may be outside the importer's scope.
        """
        keys, born, name = person_keys(result.values), result.values["date_of_birth"], file_name(result.values)
        for person in candidates.get(born, []):
            if person["person_key"] in keys or person["person_key_ar"] in keys:
                result.probable_duplicate, result.duplicate_of = True, person
                code = self.province_codes[person["province_id"]]
                self.warnings.append(
                    self.row_problem(result, name_column(self.titles), "probable_duplicate", province=code, name=name)
                )
                break
        for key in sorted(keys):
            first = self.seen.setdefault((born, key), result.number)
            if first != result.number:
                result.probable_duplicate = True
                warning = self.row_problem(
                    result, name_column(self.titles), "probable_duplicate_in_file", other=first, name=name
                )
                self.warnings.append(warning)
                break


def file_name(values: dict) -> str:
    """The name as the file gives it, to recognise the row in the preview."""
    parts = (values.get(name, "") for name in ("first_name", "last_name", "first_name_ar", "last_name_ar"))
    return " ".join(part for part in parts if part)
