"""Reading a dashboard's exports back: JSON with its amounts as Decimals, CSV and XLSX as rows."""

import csv
import io
import json
from decimal import Decimal

from openpyxl import load_workbook

# The keys whose values are amounts or percentages: decimal strings in the JSON, never floats.
DECIMALS = {
    "envelope",
    "committed",
    "delivered",
    "remaining",
    "amount",
    "average_cost",
    "approved_not_delivered",
    "delivered_value",
    "planned_value",
    "share",
    "visited_share",
}


def decimals(value, key=None):
    """The figures with every amount read as a Decimal ("116000.00" == Decimal("116000"))."""
    if isinstance(value, dict):
        return {k: decimals(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [decimals(v, key) for v in value]
    assert not isinstance(value, float), f"{key} is {value!r}: an amount is a decimal string, never a float"
    if key in DECIMALS and isinstance(value, str):  # a ceremony's "delivered" is a count of handovers
        return Decimal(value)
    return value


def get_json(client, url, **params):
    response = client.get(url, {**params, "format": "json"})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return decimals(json.loads(response.content))


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode()), "a BOM, for Excel"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]
