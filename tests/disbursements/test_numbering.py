"""Handover numbers (KHE-2026-0001: the province's abbreviation, the year, a sequence without gaps)
and the verification code printed on the receipt."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from disbursements.models import Handover, HandoverItem
from disbursements.models.handover import CODE_ALPHABET, normalise_code
from territory.models import Province
from tests.disbursements.stages import approved_project, plan_cash, plan_equipment, sewing_machines
from tests.factories import BeneficiaryFactory, ConventionFactory, ProjectFactory, consent, contribute, fund, province
from tests.projects.workflow_stages import line_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    return khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd


@pytest.fixture
def project(people):
    return approved_project(*people)


# --- the provinces' abbreviations ---------------------------------------------------------------------


def test_every_province_has_its_own_three_letter_abbreviation():
    abbreviations = list(Province.objects.values_list("abbreviation", flat=True))
    assert len(abbreviations) == 75
    assert all(re.fullmatch("[A-Z]{3}", abbreviation or "") for abbreviation in abbreviations)
    assert len(set(abbreviations)) == 75


def test_khemisset_and_khenifra_are_told_apart():
    assert province("04.291").abbreviation == "KHE"
    assert Province.objects.get(name_fr="Khénifra").abbreviation == "KHN"


# --- numbers ------------------------------------------------------------------------------------------


def test_numbers_follow_each_other_per_province_and_year(project, khemisset_staff):
    first = plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "5000")])
    second = plan_cash(project, khemisset_staff, amount="1000")
    next_year = plan_equipment(
        project, khemisset_staff, items=[sewing_machines(1, "5000")], planned_on=date(2027, 1, 4)
    )
    third = plan_cash(project, khemisset_staff, amount="1000", planned_on=date(2026, 12, 31))
    assert [first.number, second.number, third.number] == ["KHE-2026-0001", "KHE-2026-0002", "KHE-2026-0003"]
    assert next_year.number == "KHE-2027-0001"
    assert (third.province, third.year, third.sequence) == (province("04.291"), 2026, 3)


def test_each_province_counts_on_its_own(project, khemisset_staff, rabat_staff, rsk_coordinator, rsk_fm6rd):
    rabat = province("04.421")
    lead = consent(BeneficiaryFactory(province=rabat))
    convention = ConventionFactory(reference="RAB-2020-FM6RD", province=rabat)
    contribute(convention, "FM6RD", "50000")
    rabat_project = ProjectFactory(lead=lead, total_cost=Decimal("8000"), created_by=rabat_staff)
    fund(rabat_project, convention, "FM6RD", "8000", kind="cash")
    rabat_project.submit(by=rabat_staff)
    rabat_project.record_study(
        by=rsk_coordinator, feasible=True, expected_monthly_revenue=Decimal("3000"), recommended_amount=Decimal("8000")
    )
    rabat_project.approve_line(line_of(rabat_project, "FM6RD"), by=rsk_fm6rd)
    plan_cash(project, khemisset_staff, amount="1000")
    assert plan_cash(rabat_project, rabat_staff, amount="1000").number == f"{rabat.abbreviation}-2026-0001"
    assert plan_cash(project, khemisset_staff, amount="1000").number == "KHE-2026-0002"


def test_a_refused_plan_takes_no_number(project, khemisset_staff):
    with pytest.raises(ValidationError):
        plan_cash(project, khemisset_staff, amount="8000.01")
    with pytest.raises(ValidationError):
        plan_equipment(project, khemisset_staff, items=[])
    assert plan_cash(project, khemisset_staff).number == "KHE-2026-0001"


def test_a_plan_rolled_back_after_it_took_its_number_gives_the_number_back(project, khemisset_staff):
    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        assert plan_cash(project, khemisset_staff).number == "KHE-2026-0001"
        raise Abandoned  # the caller's transaction fails after the plan
    assert Handover.objects.count() == 0
    assert plan_cash(project, khemisset_staff).number == "KHE-2026-0001"


def test_a_plan_failing_while_its_items_are_written_gives_the_number_back(project, khemisset_staff, monkeypatch):
    def broken_save(item, *args, **kwargs):
        raise ValidationError("The disk is full")  # after the handover, with its number, was saved

    with monkeypatch.context() as patched:
        patched.setattr(HandoverItem, "save", broken_save)
        with pytest.raises(ValidationError):
            plan_equipment(project, khemisset_staff)
    assert Handover.objects.count() == 0
    assert plan_equipment(project, khemisset_staff).number == "KHE-2026-0001"


def test_the_number_stays_when_the_plan_changes_year(project, khemisset_staff):
    handover = plan_cash(project, khemisset_staff)
    handover.change_plan(by=khemisset_staff, planned_on=date(2027, 2, 1), amount=Decimal("8000"), cash_method="cheque")
    assert handover.number == "KHE-2026-0001"
    assert plan_equipment(project, khemisset_staff, items=[sewing_machines(1, "1")]).number == "KHE-2026-0002"


# --- the verification code ----------------------------------------------------------------------------


def test_the_verification_code_is_ten_crockford_characters_unique_per_handover(project, khemisset_staff):
    handovers = [plan_cash(project, khemisset_staff, amount="100") for _ in range(20)]
    codes = [handover.verification_code for handover in handovers]
    assert all(len(code) == 10 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert set(CODE_ALPHABET).isdisjoint("ILOU")  # nothing read twice from paper
    assert len(set(codes)) == 20
    assert Handover._meta.get_field("verification_code").unique


def test_the_code_is_recognised_as_typed_from_paper(project, khemisset_staff):
    handover = plan_cash(project, khemisset_staff)
    Handover.objects.filter(pk=handover.pk).update(verification_code="0A1B2C3D4E")
    handover.refresh_from_db()
    assert handover.display_code == "0A1B2-C3D4E"
    for typed in ["0A1B2C3D4E", "0a1b2-c3d4e", " 0A1B2 C3D4E ", "OA1B2-C3D4E", "0AIB2C3D4E", "0alb2c3d4e"]:
        assert handover.code_matches(typed), typed
    for typed in ["0A1B2C3D4F", "0A1B2C3D4", "0A1B2C3D4E0", "", "0A1B2C3D4U"]:
        assert not handover.code_matches(typed), typed


def test_normalising_a_code_drops_spaces_and_dashes_and_reads_o_as_zero():
    assert normalise_code(" ab-cd o1 il ") == "ABCD0111"
