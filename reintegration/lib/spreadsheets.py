"""Cells written to CSV or XLSX files that people open in a spreadsheet program."""

from datetime import date


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
    if text[:1] in ("=", "@", "\t", "\r") or (text[:1] in ("+", "-") and not text[1:2].isdigit()):
        return "'" + text
    return text
