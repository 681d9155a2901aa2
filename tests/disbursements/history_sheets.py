"""History files built in memory, and the steps of the history import's web flow."""

from django.urls import reverse

from disbursements.models import HistoryImport
from tests.beneficiaries.spreadsheets import csv_bytes, upload, xlsx_bytes  # noqa: F401 (re-exported)
from tests.factories import ConventionFactory, contribute

PROJECT = ["cin", "title", "sector", "commune", "total_cost", "own_contribution", "convention", "partner", "amount"]
HEADER = [*PROJECT, "kind", "delivered_on", "ceremony_on", "ceremony_place"]
PERSON = ["first_name", "last_name", "sex", "date_of_birth"]
REFERENCE = "KHE-2016-HIST"


def past_convention(reference=REFERENCE, *, indh="100000", fm6rd="50000"):
    """A provincial convention of Khémisset of 2016–2019, with INDH's and FM6RD's contributions."""
    from datetime import date

    convention = ConventionFactory(
        reference=reference, year=2016, starts_on=date(2016, 1, 1), ends_on=date(2019, 12, 31), indh_phase="II"
    )
    contribute(convention, "INDH", indh)
    contribute(convention, "FM6RD", fm6rd)
    return convention


def line(cin="XR700001", title="Atelier de couture", **overrides) -> dict:
    """One funding line of a past project: 20,000 MAD of INDH equipment of a 22,000 MAD project."""
    row = {
        "cin": cin,
        "title": title,
        "sector": "crafts",
        "commune": "Tiflet",
        "total_cost": "22000",
        "own_contribution": "2000",
        "convention": REFERENCE,
        "partner": "INDH",
        "amount": "20000",
        "kind": "equipment",
        "delivered_on": "15/03/2017",
        "ceremony_on": "",
        "ceremony_place": "",
    }
    return {**row, **overrides}


def new_person(n=1, **overrides) -> dict:
    """The beneficiary columns of someone the file registers."""
    return {
        "first_name": "Hamid",
        "last_name": f"Bakari{'x' * n}",
        "sex": "M",
        "date_of_birth": "01/02/1985",
        **overrides,
    }


def history_csv(rows, header=None) -> bytes:
    header = header or [*HEADER, *[name for name in PERSON if any(name in row for row in rows)]]
    return csv_bytes(rows, header)


def start_history(client, capture, data: bytes, name="history.csv", **fields) -> HistoryImport:
    with capture(execute=True):
        response = client.post(reverse("disbursements:history_upload"), {"file": upload(data, name), **fields})
    assert response.status_code == 302, response.context["form"].errors
    return HistoryImport.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def confirm_history(client, capture, job, *, skip_invalid=False) -> HistoryImport:
    data = {"skip_invalid": "1"} if skip_invalid else {}
    with capture(execute=True):
        response = client.post(reverse("disbursements:history_confirm", args=[job.pk]), data)
    assert response.status_code == 302
    job.refresh_from_db()
    return job
