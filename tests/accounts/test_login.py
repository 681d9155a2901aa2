from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.conftest import KHEMISSET
from tests.factories import TEST_PASSWORD, UserFactory, province


def log_in(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_right_password_opens_the_home_page(client, khemisset_staff):
    response = log_in(client, "khemisset.staff", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.context["user"] == khemisset_staff


def test_wrong_password_is_refused_with_a_translated_message_that_leaks_nothing(client, khemisset_staff):
    client.cookies["idmaj_language"] = "fr"
    response = log_in(client, "khemisset.staff", "wrong-password-123")
    assert response.status_code == 200
    page = response.text
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in page
    # Nothing says whether the username exists.
    unknown = log_in(client, "nobody.here", "wrong-password-123")
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in unknown.text
    assert "_auth_user_id" not in client.session


def test_sixth_attempt_after_five_failures_is_refused_even_with_the_right_password(client, khemisset_staff):
    client.cookies["idmaj_language"] = "en"
    for _ in range(5):
        log_in(client, "khemisset.staff", "wrong-password-123")
    response = log_in(client, "khemisset.staff", TEST_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "This account is locked from this computer for 15 minutes after 5 failed log-in attempts." in response.text


def test_lockout_is_per_username_so_a_colleague_on_the_same_computer_still_logs_in(client, khemisset_staff):
    UserFactory(username="colleague")
    for _ in range(5):
        log_in(client, "khemisset.staff", "wrong-password-123")
    response = log_in(client, "colleague", TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_lockout_message_is_in_arabic_by_default(client, khemisset_staff):
    for _ in range(5):
        log_in(client, "khemisset.staff", "wrong-password-123")
    response = log_in(client, "khemisset.staff", TEST_PASSWORD)
    assert 'dir="rtl"' in response.text
    assert "محاولات" in response.text


@pytest.mark.parametrize("password", ["short-pass1", "123456789012"])
def test_weak_new_passwords_are_refused(client_for, khemisset_staff, password):
    client = client_for(khemisset_staff)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    khemisset_staff.refresh_from_db()
    assert khemisset_staff.check_password(TEST_PASSWORD)


def test_session_ends_after_30_idle_minutes_and_each_request_renews_it(client, khemisset_staff):
    log_in(client, "khemisset.staff", TEST_PASSWORD)
    session = Session.objects.get(session_key=client.session.session_key)
    assert timedelta(minutes=29) < session.expire_date - timezone.now() <= timedelta(minutes=30)
    # Twenty idle minutes later (the row is aged: the test does not wait), one request gives 30 minutes again.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=10))
    client.get(reverse("home"))
    session.refresh_from_db()
    assert timedelta(minutes=29) < session.expire_date - timezone.now() <= timedelta(minutes=30)


def test_create_user_makes_a_provincial_staff_member_without_admin_access(db):
    user = User.objects.create_user("tiflet.staff", password="a long pass phrase", province=province(KHEMISSET))
    assert (user.role, user.is_staff, user.is_superuser) == (User.Role.STAFF, False, False)
    assert user.check_password("a long pass phrase")
