"""The commit: every new and changed row of a checked plan in one transaction, with its history.

Bulk writes skip `Beneficiary.save()` and simple-history's signals, so the derived name keys are
computed here and the history rows are written by the `*_with_history` helpers.
"""

import re
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from beneficiaries.importing.checking import IMPORT_AS_NEW, INVALID, MERGE, NEW, SKIP, UPDATED
from beneficiaries.importing.messages import render_all
from beneficiaries.models import NAME_KEYS, Beneficiary
from reintegration.lib.freshness import figures_changed
from reintegration.lib.spreadsheets import csv_bytes

BATCH = 500


class ImportRefused(Exception):
    """The plan has invalid rows and the user did not choose to import only the valid ones."""


def write_plan(plan, *, by, skip_invalid=False, reason="spreadsheet import", decisions=None) -> dict:
    """All of the plan's new and changed rows, or nothing (any database error rolls everything back).

    `decisions` ({"<row>": "new" | "skip" | "merge"}, validated by the confirmation) say what to do
    with probable duplicates; a row without one is registered, as before decisions existed.
    Returns the counts of what was done, with the rows skipped and merged.
    """
    if plan.counts[INVALID] and not skip_invalid:
        raise ImportRefused
    decisions = decisions or {}
    decided = {result.number: decisions.get(str(result.number), IMPORT_AS_NEW) for result in plan.rows(NEW)}
    now = timezone.now()
    created = [
        new_beneficiary(result, plan.province, by, now)
        for result in plan.rows(NEW)
        if decided[result.number] == IMPORT_AS_NEW
    ]
    merged = [result for result in plan.rows(NEW) if decided[result.number] == MERGE]
    # bulk_update builds one CASE per column and row, so each group of rows updates only the
    # columns it changes (typically one corrected column): several times faster than all of them.
    updates = defaultdict(list)
    for result in [*plan.rows(UPDATED), *merge_into_people(merged, reason)]:
        beneficiary, fields = apply_changes(result, now)
        updates[fields].append(beneficiary)
    history = {"default_user": by, "default_date": now, "default_change_reason": reason}
    with transaction.atomic():
        if created:
            bulk_create_with_history(created, Beneficiary, batch_size=BATCH, **history)
        for fields, updated in updates.items():
            bulk_update_with_history(updated, Beneficiary, list(fields), batch_size=BATCH, **history)
        # Bulk writes send no post_save: the dashboards learn of the import here, at its commit.
        touched = {person.province_id for people in updates.values() for person in people}
        figures_changed({plan.province.pk, *touched})
    done = {**plan.counts, NEW: len(created)}
    skipped = sum(1 for decision in decided.values() if decision == SKIP)
    # Only when some were: the counts of an import without duplicates stay as the preview's.
    return {**done, **({"skipped": skipped} if skipped else {}), **({"merged": len(merged)} if merged else {})}


def merge_into_people(results, reason) -> list:
    """Each row to merge, pointed at the registered person it resembles, with the values to change.

    As an update by CIN: the file's non-empty values replace the recorded ones. A CIN the row brings
    makes the person's reason for having none moot; a reason never goes onto a person with a CIN.
    """
    people = Beneficiary.objects.in_bulk([result.duplicate_of["pk"] for result in results])
    for result in results:
        person = people[result.duplicate_of["pk"]]
        values = dict(result.values)
        if values.get("cin"):
            values["no_cin_reason"] = ""
        elif person.cin:
            values.pop("no_cin_reason", None)
        result.values, result.existing = values, person
        result.changed = [name for name, value in values.items() if getattr(person, name) != value]
        person._change_reason = merge_reason(reason, result.number)  # read by the history helpers
    return results


def merge_reason(reason: str, row: int) -> str:
    """The history's reason for a merged row; the timeline recognises it (MERGED_REASON)."""
    return f"{reason}: merged row {row}"


MERGED_REASON = re.compile(r": merged row (\d+)$")


def new_beneficiary(result, province, by, now) -> Beneficiary:
    beneficiary = Beneficiary(province=province, created_by=by, **result.values)
    if result.probable_duplicate:
        # The preview listed this row as a probable duplicate; confirming the import confirmed it.
        beneficiary.duplicate_confirmed_by, beneficiary.duplicate_confirmed_at = by, now
    beneficiary.refresh_name_keys()
    return beneficiary


def apply_changes(result, now) -> tuple[Beneficiary, tuple]:
    """The person with the file's values applied, and the columns that now differ from the database."""
    beneficiary = result.existing
    keys_before = [getattr(beneficiary, key) for key in NAME_KEYS]
    for name in result.changed:
        setattr(beneficiary, name, result.values[name])
    beneficiary.refresh_name_keys()
    beneficiary.updated_at = now  # auto_now is not applied by bulk_update
    moved_keys = [
        key for key, before in zip(NAME_KEYS, keys_before, strict=True) if getattr(beneficiary, key) != before
    ]
    return beneficiary, tuple(sorted({*result.changed, *moved_keys, "updated_at"}))


def error_file(table, problems: list[dict]) -> bytes:
    """The invalid rows as they were uploaded, plus the row's number in that file and an `error` column
    in the reader's language (the number, because this file numbers its rows anew).

    Fix the rows and import this file again. Every cell is spreadsheet-safe, the titles and
    messages too: a header such as `=HYPERLINK(...)` comes back quoted.
    """
    messages = defaultdict(list)
    for item in render_all(problems):
        messages[item["row"]].append(f"{item['column']}: {item['message']}" if item["column"] else item["message"])
    rows = [
        [*cells, *[""] * (len(table.titles) - len(cells)), number, " ; ".join(messages[number])]
        for number, cells in table.rows
        if number in messages
    ]
    return csv_bytes([*table.titles, _("row in the uploaded file"), _("error")], rows)
