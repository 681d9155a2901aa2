"""Cells written to CSV or XLSX files that people open in a spreadsheet program."""

import re
import unicodedata
from datetime import date

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "@", "+", "-", "\t", "\r")
# Phone numbers and signed amounts start with + or - too, but hold nothing a spreadsheet could run.
PLAIN_NUMBER = re.compile(r"[+-]?[\d\s().,]+")


def spreadsheet_safe(value) -> str:
    """Dates as dd/mm/yyyy; text a spreadsheet would run as a formula is quoted with an apostrophe;
    control characters other than tab and newline are dropped.

    A name such as `=HYPERLINK(...)` typed into the registry must not become a live formula
    in the file an official opens later (CSV injection). The text rule (reintegration.lib.text)
    keeps control characters out of the registry; a row stored before it, or by a path that
    skipped it, must still export: openpyxl raises on them (a 500 for everyone whose list holds it).
    """
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = holdable(str(value))
    if text[:1] in FORMULA_STARTS and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


# Excel set up in French (most provincial offices) splits CSV columns on ";", not ",".
CSV_DELIMITER = ";"


def holdable(text: str) -> str:
    """Without what a spreadsheet cannot hold: control characters but tab and newline."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.isprintable():  # the usual case, decided in C
        return text
    return "".join(c for c in text if c in "\t\n" or unicodedata.category(c) != "Cc")
