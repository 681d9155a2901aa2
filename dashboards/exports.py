"""A dashboard as a file: `?format=json`, `csv` or `xlsx` on any dashboard URL gives the figures of
the page (small counts hidden for officials as on the page). JSON keeps the figures' shape (amounts
as decimal strings in MAD); CSV and XLSX hold one row per figure: section, item, measure, value."""

import json
from datetime import date
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone

from reintegration.lib.spreadsheets import csv_bytes, download, xlsx_bytes

FORMATS = ("json", "csv", "xlsx")
HEADER = ["section", "item", "measure", "value"]
# What names a row in the figures' lists, so that each row of the file says which one it is.
IDENTITY = ("reference", "partner", "cohort", "sector", "code", "month", "held_on")
META = ("scope", "filters", "generated_at")


class AmountsAsText(DjangoJSONEncoder):
    """Decimals as strings ("1832227.00"), never floats: a reader adds them up to the dirham."""


def response(figures: dict, export_format: str) -> HttpResponse:
    scope = figures["scope"]
    name = f"idmaj-{scope['level']}{'-' + scope['code'] if scope['code'] else ''}-{timezone.localdate():%Y-%m-%d}"
    if export_format == "json":
        body = json.dumps(public(figures), cls=AmountsAsText, ensure_ascii=False, indent=2)
        answer = HttpResponse(body, content_type="application/json; charset=utf-8")
        answer["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return answer
    rows = list(flatten(public(figures)))
    if export_format == "csv":
        return download(csv_bytes(HEADER, [[*row[:3], text(row[3])] for row in rows]), f"{name}.csv")
    return download(xlsx_bytes(HEADER, rows, title="Idmaj"), f"{name}.xlsx")


def public(figures: dict) -> dict:
    """The figures without what only the page uses (ids for its links)."""
    return {key: strip_ids(value) for key, value in figures.items()}


def strip_ids(value):
    if isinstance(value, dict):
        return {key: strip_ids(item) for key, item in value.items() if key != "pk"}
    if isinstance(value, list):
        return [strip_ids(item) for item in value]
    return value


def flatten(figures: dict):
    """(section, item, measure, value) for every figure: the scope and filters first."""
    for key in META:
        value = figures[key]
        for measure, item in value.items() if isinstance(value, dict) else [("", value)]:
            yield (key, "", measure, item)
    for section, value in figures.items():
        if section not in META:
            yield from walk(section, [], value)


def walk(section: str, path: list, value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(section, [*path, str(key)], item)
    elif isinstance(value, list):
        for row in value:
            label = next((str(row[key]) for key in IDENTITY if key in row), "")
            yield from walk(section, [*path, label], {k: v for k, v in row.items() if k not in IDENTITY})
    else:
        yield (section, " / ".join(path[:-1]), path[-1] if path else "", value)


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
