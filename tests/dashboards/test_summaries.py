"""Unfiltered dashboards read summaries (dashboards.summaries); filtered ones read the rows. Both
must say the same: the summaries of the world's places, added up, are the live figures."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dashboards.figures import compute
from dashboards.models import Summary
from dashboards.scopes import national_scope, place_scope
from dashboards.selection import Selection
from dashboards.summaries import key_of, scope_figures
from territory.models import Province, Region
from tests.dashboards.world import build_world, person

pytestmark = pytest.mark.django_db


def without_time(figures: dict) -> dict:
    return {key: value for key, value in figures.items() if key != "generated_at"}


def scopes():
    khemisset = Province.objects.select_related("region").get(code="04.291")
    return [place_scope(khemisset), place_scope(Region.objects.get(code="04")), national_scope()]


def test_the_summaries_give_the_live_figures_at_every_level(khemisset_staff, admin_user):
    build_world(khemisset_staff, admin_user)
    for scope in scopes():
        selection = Selection(scope)
        assert without_time(scope_figures(selection)) == without_time(compute(selection)), scope.level


def test_a_write_marks_its_places_stale_and_the_next_reader_recomputes_them(
    khemisset_staff, admin_user, django_capture_on_commit_callbacks
):
    build_world(khemisset_staff, admin_user)
    national = Selection(national_scope())
    khemisset = Province.objects.select_related("region").get(code="04.291")
    scope_figures(Selection(place_scope(khemisset.region)))
    before = scope_figures(national)["beneficiaries"]["total"]
    with django_capture_on_commit_callbacks(execute=True):
        person("04.291", "F", 30, khemisset_staff)
    stale = set(Summary.objects.filter(stale=True).values_list("key", flat=True))
    assert stale == {key_of("province", khemisset.pk), key_of("region", khemisset.region_id), "N"}
    assert scope_figures(national)["beneficiaries"]["total"] == before + 1
    assert set(Summary.objects.filter(stale=True).values_list("key", flat=True)) == {
        key_of("region", khemisset.region_id)
    }


def test_a_summary_of_yesterday_is_not_read_today(khemisset_staff, admin_user):
    build_world(khemisset_staff, admin_user)
    national = Selection(national_scope())
    expected = without_time(scope_figures(national))
    # Unreadable rows computed yesterday: read, they would fail; recomputed, they give the figures.
    Summary.objects.update(computed_on=timezone.localdate() - timedelta(days=1), sums=b"")
    assert without_time(scope_figures(national)) == expected
    assert set(Summary.objects.values_list("computed_on", flat=True)) == {timezone.localdate()}
