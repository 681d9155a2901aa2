"""The figures' generation moves on when a write they depend on commits, and only then.

Each bulk write that sends no model signal (the imports' commits, the handover's conditional
UPDATE) calls figures_changed() itself: each is run here and must move the generation.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction

from beneficiaries.importing import build_plan, read_upload, write_plan
from beneficiaries.models import Beneficiary
from disbursements.history import build_history_plan, read_history, write_history
from disbursements.models import Handover
from reintegration.lib.freshness import GENERATION_KEY, figures_changed, figures_generation
from tests.beneficiaries.spreadsheets import csv_bytes, people, person
from tests.conftest import KHEMISSET
from tests.disbursements.history_fixtures import history_convention, registered_person  # noqa: F401
from tests.disbursements.history_sheets import history_csv, line
from tests.disbursements.stages import approved_project, plan_cash
from tests.factories import province
from tests.projects.workflow_stages import khemisset_convention

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def test_a_committed_change_moves_the_generation_on(django_capture_on_commit_callbacks):
    before = figures_generation()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        figures_changed()
    assert figures_generation() != before


def test_the_generation_does_not_move_before_the_commit(django_capture_on_commit_callbacks):
    before = figures_generation()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        figures_changed()
        # A reader meanwhile cannot see the uncommitted rows: it must not be told the figures moved.
        assert figures_generation() == before
    assert figures_generation() != before


def test_a_rolled_back_change_leaves_the_generation_as_it_was(django_capture_on_commit_callbacks):
    before = figures_generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Rollback), transaction.atomic():
        figures_changed()
        raise Rollback
    assert callbacks == []
    assert figures_generation() == before


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_change_counts_at_once():
    before = figures_generation()
    figures_changed()
    assert figures_generation() != before


def test_a_cleared_cache_gives_a_new_generation_never_seen_before():
    before = figures_generation()
    cache.clear()
    assert cache.get(GENERATION_KEY) is None
    after = figures_generation()
    assert after != before
    assert figures_generation() == after  # kept, not drawn anew at each read


def test_a_change_after_an_eviction_still_gives_a_new_generation(django_capture_on_commit_callbacks):
    before = figures_generation()
    cache.delete(GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed()
    assert figures_generation() not in (None, before)


def test_a_beneficiary_import_commit_moves_the_generation_on(khemisset_staff, django_capture_on_commit_callbacks):
    plan = build_plan(read_upload(csv_bytes(people(3)), "people.csv"), province(KHEMISSET))
    before = figures_generation()
    with django_capture_on_commit_callbacks(execute=True):
        write_plan(plan, by=khemisset_staff)
    assert Beneficiary.objects.count() == 3
    assert figures_generation() != before


def test_an_import_that_only_corrects_people_moves_the_generation_on(
    khemisset_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        write_plan(build_plan(read_upload(csv_bytes(people(2)), "a.csv"), province(KHEMISSET)), by=khemisset_staff)
    corrected = build_plan(
        read_upload(csv_bytes([person(1, commune="Khémisset"), person(2)]), "b.csv"), province(KHEMISSET)
    )
    assert (corrected.counts["new"], corrected.counts["updated"]) == (0, 1)
    before = figures_generation()
    with django_capture_on_commit_callbacks(execute=True):
        write_plan(corrected, by=khemisset_staff)
    assert Beneficiary.objects.get(cin="KA100001").commune == "Khémisset"
    assert figures_generation() != before


@pytest.mark.usefixtures("history_convention", "registered_person")
def test_a_history_import_commit_moves_the_generation_on(khemisset_staff, django_capture_on_commit_callbacks):
    plan = build_history_plan(read_history(history_csv([line()]), "history.csv"), province(KHEMISSET))
    before = figures_generation()
    with django_capture_on_commit_callbacks(execute=True):
        write_history(plan, by=khemisset_staff, source="history.csv")
    assert Handover.objects.filter(status=Handover.Status.DELIVERED).count() == 1
    assert figures_generation() != before


def test_a_cash_delivery_with_its_reference_moves_the_generation_on(
    khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd, django_capture_on_commit_callbacks
):
    project = approved_project(
        khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd, convention=khemisset_convention()
    )
    cash = plan_cash(project, khemisset_staff)
    before = figures_generation()
    with django_capture_on_commit_callbacks(execute=True):
        cash.deliver(by=khemisset_staff, on=date.today(), cash_reference="VIR-2026-17")
    assert (cash.status, cash.cash_reference, cash.amount) == ("delivered", "VIR-2026-17", Decimal("8000.00"))
    assert figures_generation() != before
