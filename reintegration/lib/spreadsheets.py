"""Cells written to CSV or XLSX files that people open in a spreadsheet program."""

import re
from datetime import date

FORMULA_STARTS = ("=", "@", "+", "-", "\t", "\r")
# Phone numbers and signed amounts start with + or - too, but hold nothing a spreadsheet could run.
PLAIN_NUMBER = re.compile(r"[+-]?[\d\s().,]+")


def spreadsheet_safe(value) -> str:
    """Dates as dd/mm/yyyy; text a spreadsheet would run as a formula is quoted with an apostrophe.

    A name such as `=HYPERLINK(...)` typed into the registry must not become a live formula
    in the file an official opens later (CSV injection).
    """
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if text[:1] in FORMULA_STARTS and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


# Excel set up in French (most provincial offices) splits CSV columns on ";", not ",".
CSV_DELIMITER = ";"
