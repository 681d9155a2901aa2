"""What the handover screen tests share: English pages, the screens' URLs, and the forms' POST data
as a browser sends it."""

from datetime import date

from django.urls import reverse
from django.utils import translation

from tests.projects.workflow_stages import line_of


def in_english(settings):
    """For an autouse fixture of each test module: the pages in English."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def plan_url(project, acronym="INDH"):
    return reverse("disbursements:plan", args=[line_of(project, acronym).pk])


def url(name, handover):
    return reverse(f"disbursements:{name}", args=[handover.pk])


def item_data(*rows, planned_on=None, initial=1, **fields):
    """The plan form with its items formset: each row a dict of an item's fields."""
    data = {
        "planned_on": planned_on or today(),
        "ceremony": "",
        "notes": "",
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": str(initial),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "50",
    }
    for number, row in enumerate(rows):
        for name, value in row.items():
            data[f"items-{number}-{name}"] = value
    return data | fields


def machine(quantity="2", unit_price="10000", **fields):
    return {
        "designation": "Industrial sewing machine",
        "category": "machinery",
        "quantity": quantity,
        "unit_price": unit_price,
        "supplier": "Tiflet Machines",
        "serial_number": "SN-1",
    } | fields


def cash_data(amount="8000", **fields):
    return {
        "planned_on": today(),
        "ceremony": "",
        "notes": "",
        "amount": amount,
        "cash_method": "transfer",
        "cash_reference": "VIR-2026-1",
    } | fields


def today():
    return date.today().isoformat()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []
