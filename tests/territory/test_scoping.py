import pytest
from django.db import IntegrityError

from accounts.models import User
from territory.scoping import visible_provinces
from tests.factories import UserFactory, province, region


def codes(user):
    return set(visible_provinces(user).values_list("code", flat=True))


def test_staff_sees_only_their_province(khemisset_staff):
    assert codes(khemisset_staff) == {"04.291"}


def test_regional_user_sees_the_provinces_of_their_region(rsk_coordinator):
    seen = codes(rsk_coordinator)
    assert len(seen) == 7
    assert {"04.291", "04.421"} <= seen
    assert all(code.startswith("04.") for code in seen)


def test_user_with_no_scope_sees_nothing(unscoped_coordinator):
    assert codes(unscoped_coordinator) == set()


def test_admin_and_national_users_see_every_province(admin_user, db):
    national_official = UserFactory(username="national", role=User.Role.OFFICIAL, province=None, national=True)
    assert len(codes(admin_user)) == 75
    assert len(codes(national_official)) == 75


def test_inactive_user_sees_nothing(khemisset_staff):
    khemisset_staff.is_active = False
    assert codes(khemisset_staff) == set()


def test_staff_without_a_province_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError, match="accounts_user_staff_has_province"):
        User.objects.create(username="lost", role=User.Role.STAFF)


def test_a_user_cannot_have_both_a_province_and_a_region(db):
    with pytest.raises(IntegrityError, match="accounts_user_one_scope_at_most"):
        User.objects.create(username="both", role=User.Role.OFFICIAL, province=province("04.291"), region=region("04"))


def test_a_national_user_cannot_also_have_a_region(db):
    with pytest.raises(IntegrityError, match="accounts_user_one_scope_at_most"):
        User.objects.create(username="both", role=User.Role.OFFICIAL, region=region("04"), national=True)
