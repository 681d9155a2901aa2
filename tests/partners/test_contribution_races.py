"""Two administrators at once, or an administrator and an approving coordinator, in real threads
with real commits (PostgreSQL: SQLite queues every writer). The sum of the contributions never
exceeds the envelope, a contribution never falls below what its partner committed, and every
refusal is a message on the page, never a 500."""

import threading
import time
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from partners import models as partner_models
from partners.models import Contribution
from projects.models import FundingLine
from territory.models import Province, Region
from territory.reference import load_reference
from tests.factories import UserFactory
from tests.partners.conftest import form_data, party_prefixes

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"),
]


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """An earlier test with real commits ended with a flush of every table: the regions, provinces
    and the programme's partners, which data migrations load, are loaded again."""
    load_reference(Region, Province)
    import_module("partners.migrations.0002_programme_partners").add_partners(apps, None)


def run_together(*actions):
    """Run each action in its own thread, all released at once; their results (or exceptions) in order."""
    start = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            results[index] = action(start.wait)
        except Exception as failure:  # a 500 would surface here: the test shows it
            results[index] = failure
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=[index, action]) for index, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def raising(admin, convention, acronym, amount):
    """An administrator's edit page raising one party's contribution, posted when `go()` says."""

    def act(go):
        client = Client()
        client.force_login(admin)
        client.cookies["idmaj_language"] = "en"
        url = reverse("partners:convention_edit", args=[convention.pk])
        page = client.get(url)
        data = form_data(page)
        data[f"{party_prefixes(page)[acronym]}-amount"] = amount
        go()
        response = client.post(url, data)
        if response.status_code == 302:
            return "saved"
        assert response.status_code == 200
        parties = response.context["parties"]
        return [str(error) for party in parties for errors in party.errors.values() for error in errors]

    return act


def test_two_raises_that_cannot_both_fit_the_envelope_save_exactly_one(convention, admin_user):
    Contribution.objects.filter(convention=convention, partner__acronym="FM6RD").update(amount=Decimal("500000"))
    other_admin = UserFactory(username="admin.two", role=User.Role.ADMIN, province=None, national=True)
    # 500,000 MAD of the envelope are free; each raise asks 400,000.
    results = run_together(
        raising(admin_user, convention, "INDH", "1600000"),
        raising(other_admin, convention, "FM6RD", "900000"),
    )
    assert sorted(results, key=str) == sorted(["saved", [refusal_for_the_loser(results)]], key=str), results
    total = Contribution.objects.filter(convention=convention).aggregate(total=Sum("amount"))["total"]
    assert total == Decimal("2100000")  # 2,200,000 − 500,000 + 400,000: one raise, never both
    assert total <= convention.envelope


def refusal_for_the_loser(results) -> str:
    """What the other raise must read: the room the winner left for the loser's whole contribution."""
    if results[0] == "saved":  # INDH at 1,600,000: 600,000 left for FM6RD
        return "Only 600,000.00\u00a0MAD of the envelope is left for FM6RD."
    return "Only 1,300,000.00\u00a0MAD of the envelope is left for INDH."  # FM6RD at 900,000


def test_a_contribution_lowered_while_a_line_is_approved_never_falls_below_its_commitments(
    convention, admin_user, decide, khemisset_indh, monkeypatch
):
    decide(convention, {"INDH": ("900000", "approve")})
    waiting = decide(convention, {"INDH": ("250000", "wait")})
    line = waiting.lines.get()
    admin_has_read, approval_over = threading.Event(), threading.Event()
    read_committed = partner_models.committed_by

    def committed_then_let_the_approval_run(convention, partner):
        # The worst moment: the administrator has read what INDH committed; the approval comes now.
        # It must wait for the administrator's locks (a lock request not granted), or, were there
        # none, it would commit and the administrator would cut below it.
        committed = read_committed(convention, partner)
        admin_has_read.set()
        for _ in range(200):
            if approval_over.is_set() or a_lock_is_awaited():
                break
            time.sleep(0.05)
        return committed

    # Convention.set_contribution reads the commitments once it holds its locks.
    monkeypatch.setattr(partner_models, "committed_by", committed_then_let_the_approval_run)

    def approve(go):
        go()
        admin_has_read.wait(timeout=30)
        with translation.override("en"):  # the message is worded when read: read it in English
            try:
                waiting.approve_line(line, by=khemisset_indh)
            except ValidationError as refused:
                return refused.messages
            finally:
                approval_over.set()
        return "saved"

    # Alone, each fits: the approval (300,000 left) and the cut to 1,000,000 (900,000 committed).
    # Here the cut, made first, leaves 100,000: the approval is refused with that figure.
    results = run_together(approve, raising(admin_user, convention, "INDH", "1000000"))
    assert results == [
        [
            "Not enough left: INDH has 100,000.00\u00a0MAD left in convention KHE-2020-FM6RD-CPDH, "
            "and this line asks for 250,000.00\u00a0MAD."
        ],
        "saved",
    ]
    indh = Contribution.objects.get(convention=convention, partner__acronym="INDH").amount
    assert (indh, FundingLine.objects.committed(convention.pk, line.partner_id)) == (
        Decimal("1000000"),
        Decimal("900000"),
    )


def a_lock_is_awaited() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0
