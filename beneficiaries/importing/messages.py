"""What an import has to say, as codes with parameters, rendered in the reader's language.

A report is stored once (JSON on the ImportJob) and read later by people working in Arabic,
French or English, so it holds `{"code": ..., "params": {...}}`, never a translated sentence.
Where the registration form already says the same thing, the very same English text is used,
so one catalog entry serves both.
"""

import re

from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from reintegration.lib.text import MESSAGES as TEXT_MESSAGES
from reintegration.lib.text import Scripts
from territory.models import Province

MAX_MEGABYTES = 5
MAX_ROWS = 20_000
MAX_COLUMNS = 100  # the columns after it are not read (13 are known; the rest would be ignored anyway)
MAX_UNZIPPED_MEGABYTES = 50

MESSAGES = {
    # The file as a whole: it is refused and nothing is created.
    "bad_type": _("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."),
    "too_large": _(
        "The file is larger than %(megabytes)s MB. An import takes at most %(megabytes)s MB and "
        "%(rows)s rows: split the file and import each part."
    ),
    "too_many_rows": _(
        "The file has more than %(rows)s rows. An import takes at most %(megabytes)s MB and %(rows)s rows: "
        "split the file and import each part."
    ),
    "rows_past_limit": _(
        "The sheet goes on past row %(last)s (blank rows count too). Delete the rows below the last "
        "person, even those that look empty, and upload the file again."
    ),
    "unzipped_too_large": _(
        "The workbook unpacks to more than %(megabytes)s MB, so it was not opened. Copy the people into "
        "a new workbook (values only), or save the sheet as “CSV UTF-8”, and upload that file."
    ),
    "packed_too_tight": _(
        "Part of the workbook unpacks to more than %(ratio)s times its size, which no ordinary sheet "
        "does, so it was not opened. Save the sheet as “CSV UTF-8” and upload that file."
    ),
    "wide_row": _(
        "Row %(number)s of the sheet has more than %(columns)s cells (empty cells with a format count too), "
        "so the file was not read. Delete the columns after the last one used, or save the sheet as "
        "“CSV UTF-8”, and upload that file."
    ),
    "row_too_complex": _(
        "Row %(number)s of the sheet holds more rich text or formatting than a list of people needs, so the "
        "file was not read. Copy the people into a new workbook (values only), or save the sheet as "
        "“CSV UTF-8”, and upload that file."
    ),
    "sheet_too_complex": _(
        "Besides its cells, the sheet holds more than %(parts)s merged cells, links, formats or other parts, "
        "so the file was not read. Copy the people into a new workbook (values only), or save the sheet as "
        "“CSV UTF-8”, and upload that file."
    ),
    "invisible_in_header": _(
        "The title of column %(letter)s holds an invisible control character (%(character)s). "
        "Retype that title and upload the file again."
    ),
    "empty": _("The file is empty: it needs a first row naming the columns, then one row per person."),
    "not_utf8": _(
        "This CSV file is not encoded in UTF-8, so Arabic and accented letters would be garbled. "
        "In Excel, use “Save as” and choose “CSV UTF-8 (comma delimited)”."
    ),
    "bad_csv": _("The CSV file is malformed near row %(number)s: check the quotes in that row."),
    "cell_too_long": _(
        "Row %(number)s has a cell of more than %(characters)s characters, far more than any column accepts: "
        "shorten it (or close the quote that opens it) and upload the file again."
    ),
    "bad_xlsx": _("The file could not be opened as an Excel workbook (.xlsx)."),
    "several_sheets": _(
        "The workbook has %(count)s sheets. Keep only the sheet with the people to import, then upload it again."
    ),
    "formulas": _(
        "The workbook contains formulas (the first one in cell %(cell)s). Replace them by their values "
        "(copy, then “Paste values”) and upload it again."
    ),
    # Columns are named by their label in the reader's language (%(columns)s, %(<field>_label)s), never
    # by their code: the labels are accepted column names too.
    "missing_columns": _(
        "Required columns are missing: %(columns)s. The row of column names must name them; "
        "the accepted names are listed on the import page."
    ),
    "missing_cin_column": _(
        "The file needs a column “%(cin_label)s”, or “%(no_cin_reason_label)s” for people who have no CIN."
    ),
    "missing_name_columns": _(
        "The file needs the name columns “%(first_name_label)s” and “%(last_name_label)s”, or "
        "“%(first_name_ar_label)s” and “%(last_name_ar_label)s”."
    ),
    "duplicate_column": _("The columns “%(first)s” and “%(second)s” mean the same thing: keep only one."),
    "file_missing": _("The uploaded file is no longer available: upload it again."),
    # One cell or one row: the row is invalid.
    "required": _("This field is required."),
    "too_long": _("At most %(limit)s characters."),
    "invalid_cin": _("A CIN is one or two letters followed by 1 to 7 digits, e.g. AB123456."),
    "cin_or_reason": _("Give the CIN, or explain why the person has none."),
    "masked_cin": _(
        "This CIN is masked (it contains *): a list exported by a role that does not see CINs cannot be "
        "imported as it is. Type the full CIN, or import a list exported by provincial staff."
    ),
    "names_required": _("Give the first and last name in Latin script, in Arabic script, or both."),
    "bad_sex": _("Write M for a man (H or ذ are accepted too) and F for a woman (أ is accepted too)."),
    "bad_date": _("“%(value)s” is not a date: write it as dd/mm/yyyy or yyyy-mm-dd."),
    "no_such_date": _("“%(value)s”: this date does not exist. Check the day and the month (dd/mm/yyyy)."),
    "birth_in_future": _("The date of birth cannot be in the future."),
    "release_in_future": _("The release date cannot be in the future."),
    "too_young_at_release": _("The person must have been at least %(age)s years old at release."),
    "invalid_phone": _("Enter a Moroccan mobile or landline number, e.g. 06 12 34 56 78 or +212 5 37 00 00 00."),
    "bad_referral": _("“%(value)s” is not a referral source. Use one of: %(choices)s."),
    "cin_twice": _("This CIN appears more than once in the file (rows %(rows)s)."),
    "person_twice": _(
        "This person, without a CIN, appears more than once in the file with the same name and "
        "date of birth (rows %(rows)s)."
    ),
    "cin_taken": _(
        "This CIN is already registered in %(province)s. Contact the provincial "
        "social-action division of %(province)s before registering this person again."
    ),
    "ambiguous_match": _(
        "Several people without a CIN registered in this province have this name and date of birth: "
        "update this person by hand."
    ),
    # Warnings: the row is imported once the user confirms.
    "probable_duplicate": _("Someone born the same day with a similar name is already registered in %(province)s."),
    "probable_duplicate_in_file": _("Someone born the same day with a similar name is on row %(other)s of this file."),
    # The job.
    "changed_since_preview": _(
        "The registry changed since the check: look at the rows again, then confirm. Nothing was written."
    ),
    "conflict": _(
        "Someone registered one of these people while the import was running. Nothing was written: "
        "check the file again."
    ),
    "unexpected": _("The import stopped because of an unexpected error. Nothing was written."),
    "name_digits": _("A name has no digits: check what was typed."),
    # control_character, line_break, mixed_script, latin_script_only, arabic_script_only: the form's text.
    **TEXT_MESSAGES,
    "stalled": _(
        "The import stopped without finishing (the background worker was interrupted). Nothing was "
        "written: upload the file again."
    ),
}


# Column labels another import adds for its own fields (register_messages); the others are the record's.
OTHER_LABELS = {}


def register_messages(messages: dict, labels: dict | None = None) -> None:
    """Another spreadsheet import's codes (and its columns' labels) rendered like these: the history
    import of disbursements reuses the reading, the problems and their rendering (render_all)."""
    clashing = (set(messages) & set(MESSAGES)) - {code for code in messages if messages[code] is MESSAGES.get(code)}
    assert not clashing, clashing
    MESSAGES.update(messages)
    OTHER_LABELS.update(labels or {})


def problem(code: str, *, row: int | None = None, column: str = "", field: str = "", **params) -> dict:
    """A JSON-ready problem: row as numbered in the spreadsheet (the header is row 1, or below a title).

    `column` is the header as the file writes it, "" when the file lacks the column; `field` the
    column's code, from which its label is shown when the file has no header to quote.
    """
    assert code in MESSAGES, code
    return {"row": row, "column": column, **({"field": field} if field else {}), "code": code, "params": params}


def cell_problem(code: str, *, row: int, field: str, titles: dict, **params) -> dict:
    """A problem with one cell of a row: `titles` (field → header in the file) names its column."""
    return problem(code, row=row, column=titles.get(field, ""), field=field, **params)


def column_label(field: str) -> str:
    """The column's label in the reader's language: also a column name the import accepts."""
    from beneficiaries.models import Beneficiary  # messages is imported by the models' neighbours

    if field in OTHER_LABELS:
        return str(capfirst(OTHER_LABELS[field]))
    return str(capfirst(Beneficiary._meta.get_field(field).verbose_name))


def referral_labels() -> str:
    from beneficiaries.models import Beneficiary

    return ", ".join(str(label) for label in Beneficiary.ReferralSource.labels)


def render_message(code: str, params: dict | None = None, provinces: dict | None = None) -> str:
    """The message in the active language. Province codes become the province's name."""
    params = dict(params or {})
    template = str(MESSAGES[code])
    if isinstance(params.get("columns"), list):
        params["columns"] = ", ".join(column_label(field) for field in params["columns"])
    for field in re.findall(r"%\((\w+)_label\)s", template):
        params[f"{field}_label"] = column_label(field)
    if "%(choices)s" in template:
        params["choices"] = referral_labels()  # in the reader's language; the codes are accepted too
    if "province" in params:
        provinces = provinces if provinces is not None else province_names()
        params["province"] = provinces.get(params["province"], params["province"])
    if isinstance(params.get("scripts"), list):
        params["scripts"] = Scripts(params["scripts"])  # stored as codes, named in the reader's language
    for key in ("rows", "megabytes", "last", "number", "parts", "characters"):
        if isinstance(params.get(key), int):
            params[key] = number_format(params[key], force_grouping=True)
    return template % params if params else template


def province_names() -> dict[str, str]:
    return {p.code: p.name for p in Province.objects.only("code", "name_fr", "name_ar")}


def render_all(problems: list[dict]) -> list[dict]:
    """Each problem with its `message`, and its `column` as the file titles it or else by its label,
    rendered now; one query for the province names."""
    provinces = province_names() if any("province" in p["params"] for p in problems) else {}
    return [
        {
            **p,
            "column": p["column"] or (column_label(p["field"]) if p.get("field") else ""),
            "message": render_message(p["code"], p["params"], provinces),
        }
        for p in problems
    ]


def render_failure(failure: dict) -> list[str]:
    """Why a job stopped: one message, or every message that refused the file (as the form used to show them)."""
    if failure["code"] == "refused":
        return [item["message"] for item in render_all(failure["params"]["problems"])]
    return [render_message(failure["code"], failure["params"])]
