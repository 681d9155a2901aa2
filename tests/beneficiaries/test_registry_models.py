from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from beneficiaries.access import log_access
from beneficiaries.models import AccessLog, Beneficiary, Consent
from tests.factories import BeneficiaryFactory, province


def test_a_cin_is_unique_across_all_provinces(db):
    BeneficiaryFactory(cin="AB123456", province=province("04.291"))
    # PostgreSQL names the constraint; SQLite names the column of the partial unique index.
    with pytest.raises(IntegrityError, match=r"beneficiaries_beneficiary_cin_unique|beneficiaries_beneficiary\.cin"):
        BeneficiaryFactory(cin="AB123456", province=province("06.141"))


def test_several_people_without_cin_may_be_registered_with_a_reason(db):
    BeneficiaryFactory(cin=None, no_cin_reason="Carte perdue, renouvellement en cours")
    BeneficiaryFactory(cin=None, no_cin_reason="Jamais délivrée")
    assert Beneficiary.objects.filter(cin__isnull=True).count() == 2


def test_a_person_without_cin_needs_a_reason(db):
    with pytest.raises(IntegrityError, match="beneficiaries_beneficiary_cin_or_reason"):
        BeneficiaryFactory(cin=None, no_cin_reason="")


def test_probable_duplicates_are_found_across_scripts_and_spellings(db):
    born = date(1990, 5, 17)
    existing = BeneficiaryFactory(first_name="Mohammed", last_name="El Idrissi", date_of_birth=born)
    arabic_only = BeneficiaryFactory(
        first_name="", last_name="", first_name_ar="يوسف", last_name_ar="العلوي", date_of_birth=born
    )
    found = Beneficiary.objects.probable_duplicates(date_of_birth=born, names=[("", ""), ("محمد", "الإدريسي")])
    assert list(found) == [existing]
    found = Beneficiary.objects.probable_duplicates(date_of_birth=born, names=[("Youssef", "Alaoui"), ("", "")])
    assert list(found) == [arabic_only]


def test_same_name_born_another_day_is_not_a_probable_duplicate(db):
    BeneficiaryFactory(first_name="Mohamed", last_name="Alaoui", date_of_birth=date(1990, 5, 17))
    found = Beneficiary.objects.probable_duplicates(date_of_birth=date(1990, 5, 18), names=[("Mohamed", "Alaoui")])
    assert not found.exists()


def test_status_moves_one_step_forward_and_history_keeps_who(db, khemisset_staff):
    beneficiary = BeneficiaryFactory()
    beneficiary.move_to(Beneficiary.Status.ACCOMPANIED, by=khemisset_staff)
    beneficiary.refresh_from_db()
    assert beneficiary.status == Beneficiary.Status.ACCOMPANIED
    assert beneficiary.history.first().history_user == khemisset_staff
    with pytest.raises(ValidationError) as refused:
        beneficiary.move_to(Beneficiary.Status.FUNDED, by=khemisset_staff)
    assert refused.value.code == "bad_transition"
    beneficiary.refresh_from_db()
    assert beneficiary.status == Beneficiary.Status.ACCOMPANIED


def test_exit_needs_a_reason_and_is_final(db, khemisset_staff):
    beneficiary = BeneficiaryFactory()
    with pytest.raises(ValidationError) as refused:
        beneficiary.move_to(Beneficiary.Status.EXITED, by=khemisset_staff)
    assert refused.value.code == "exit_reason"
    beneficiary.refresh_from_db()
    assert beneficiary.status == Beneficiary.Status.REGISTERED
    beneficiary.move_to(Beneficiary.Status.EXITED, by=khemisset_staff, exit_reason="moved_away")
    assert beneficiary.allowed_statuses() == []
    with pytest.raises(ValidationError):
        beneficiary.move_to(Beneficiary.Status.ACCOMPANIED, by=khemisset_staff)


def test_consent_to_the_programme_is_what_counts(db, khemisset_staff):
    beneficiary = BeneficiaryFactory()
    Consent.objects.create(
        beneficiary=beneficiary,
        purpose=Consent.Purpose.PUBLICITY,
        given_on=date(2025, 1, 1),
        recorded_by=khemisset_staff,
    )
    assert not beneficiary.has_consent()
    Consent.objects.create(
        beneficiary=beneficiary,
        purpose=Consent.Purpose.PROGRAMME,
        given_on=date(2025, 1, 1),
        recorded_by=khemisset_staff,
    )
    assert beneficiary.has_consent()


def test_the_access_log_cannot_be_edited_or_deleted(db, khemisset_staff):
    entry = log_access(khemisset_staff, AccessLog.Action.VIEW, beneficiary=BeneficiaryFactory())
    entry.action = AccessLog.Action.EXPORT
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.all().delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.update(action="export")
    assert AccessLog.objects.get().action == AccessLog.Action.VIEW


def test_changes_to_personal_data_are_kept_with_old_and_new_values(db, khemisset_staff):
    beneficiary = BeneficiaryFactory(phone="+212612345678")
    beneficiary.phone = "+212698765432"
    beneficiary._history_user = khemisset_staff
    beneficiary.save()
    newest, previous = beneficiary.history.all()[:2]
    delta = newest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("phone", "+212612345678", "+212698765432")]
    assert newest.history_user == khemisset_staff


@pytest.mark.parametrize("typed", [("Mohammed", "Idrissi"), ("Mohamed", "Elidrissi"), ("محمد", "إدريسي")])
def test_a_family_name_with_or_without_its_article_is_a_probable_duplicate(db, typed):
    born = date(1970, 1, 15)
    existing = BeneficiaryFactory(first_name="Mohamed", last_name="El Idrissi", date_of_birth=born)
    found = Beneficiary.objects.probable_duplicates(date_of_birth=born, names=[typed])
    assert list(found) == [existing]


def test_a_first_name_keeps_its_leading_al(db):
    born = date(1988, 3, 3)
    existing = BeneficiaryFactory(first_name="Ilham", last_name="Tazi", date_of_birth=born)
    found = Beneficiary.objects.probable_duplicates(date_of_birth=born, names=[("إلهام", "التازي")])
    assert list(found) == [existing]
