from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD, UserFactory

NEW_PASSWORD = "a-much-longer-new-secret-42"


def change_password(client, old_password, ip="10.0.0.1"):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old_password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        REMOTE_ADDR=ip,
    )


def fail_five_times(client, ip="10.0.0.1"):
    for _ in range(5):
        change_password(client, "wrong-old-password", ip=ip)


def test_right_old_password_changes_the_password(client_for, khemisset_staff):
    response = change_password(client_for(khemisset_staff), TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    khemisset_staff.refresh_from_db()
    assert khemisset_staff.check_password(NEW_PASSWORD)


def test_four_wrong_old_passwords_then_the_right_one_still_changes_it(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    for _ in range(4):
        assert change_password(client, "wrong-old-password").status_code == 200
    assert change_password(client, TEST_PASSWORD).status_code == 302
    khemisset_staff.refresh_from_db()
    assert khemisset_staff.check_password(NEW_PASSWORD)


def test_after_five_wrong_old_passwords_even_the_right_one_is_refused_with_429(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    fail_five_times(client)
    response = change_password(client, TEST_PASSWORD)
    assert response.status_code == 429
    assert "changing the password is locked for 15 minutes" in response.text
    khemisset_staff.refresh_from_db()
    assert khemisset_staff.check_password(TEST_PASSWORD)


def test_the_fifth_wrong_old_password_already_answers_with_the_lock_page(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    for _ in range(4):
        change_password(client, "wrong-old-password")
    response = change_password(client, "wrong-old-password")
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.text


def test_the_locked_page_is_shown_before_typing_anything(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    fail_five_times(client)
    assert client.get(reverse("accounts:password_change"), REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(reverse("accounts:password_change"), REMOTE_ADDR="10.0.0.9").status_code == 200


def test_a_locked_password_change_also_locks_the_log_in_door(client_for, client, khemisset_staff):
    fail_five_times(client_for(khemisset_staff))
    client.logout()
    response = client.post(
        reverse("login"), {"username": "khemisset.staff", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failed_log_ins_count_toward_the_password_change_lock(client, khemisset_staff):
    for _ in range(4):
        client.post(reverse("login"), {"username": "khemisset.staff", "password": "nope"}, REMOTE_ADDR="10.0.0.1")
    client.force_login(khemisset_staff)
    assert change_password(client, "wrong-old-password").status_code == 429


def test_the_lock_ends_after_15_minutes(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    fail_five_times(client)
    # Age the recorded failures past the cool-off instead of sleeping.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    response = change_password(client, TEST_PASSWORD)
    assert response.status_code == 302
    khemisset_staff.refresh_from_db()
    assert khemisset_staff.check_password(NEW_PASSWORD)


def test_the_lock_is_per_user_so_a_colleague_on_the_same_computer_still_changes_theirs(client, khemisset_staff):
    colleague = UserFactory(username="colleague")
    client.force_login(khemisset_staff)
    fail_five_times(client)
    client.force_login(colleague)
    assert change_password(client, TEST_PASSWORD).status_code == 302
    colleague.refresh_from_db()
    assert colleague.check_password(NEW_PASSWORD)


def test_the_lock_is_per_address_so_the_user_elsewhere_is_not_locked_out(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    fail_five_times(client, ip="10.0.0.1")
    assert change_password(client, TEST_PASSWORD, ip="10.0.0.2").status_code == 302


@pytest.mark.parametrize("field_value", ["wrong-old-password", NEW_PASSWORD])
def test_recorded_failures_never_hold_a_password_in_clear(client_for, khemisset_staff, field_value):
    change_password(client_for(khemisset_staff), "wrong-old-password")
    attempt = AccessAttempt.objects.get()
    assert "old_password" in attempt.post_data
    assert field_value not in attempt.post_data
