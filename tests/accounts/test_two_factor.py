"""Two-factor log-in: administrators and flagged users give a code from an app (django-otp)."""

import re
from base64 import b32decode, b32encode
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory

IP = "10.0.0.1"
ENROL = reverse("accounts:two_factor_enrol")
VERIFY = reverse("accounts:two_factor_verify")


@pytest.fixture
def required(settings):
    """Production's rule (DJANGO_DEBUG off)."""
    settings.IDMAJ_REQUIRE_TWO_FACTOR = True


@pytest.fixture
def english(client):
    client.cookies["idmaj_language"] = "en"


def log_in(client, username, password=TEST_PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=IP)


def code_for(device, steps_ahead=0):
    """The code the app shows now (or `steps_ahead` periods of 30 s later: a code is accepted once)."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0 - steps_ahead * device.step, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


def code_from_secret(secret, steps_ahead=0):
    """The code an app set up with `secret` (as the set-up page shows it) shows now: all an attacker keeps."""
    key = b32decode(secret.replace(" ", ""))
    return f"{totp(key, 30, -steps_ahead * 30, 6, 0):06d}"


def device_shown(response):
    """The device whose secret this set-up page shows."""
    secret = response.context["secret"].replace(" ", "")
    return next(d for d in TOTPDevice.objects.all() if b32encode(d.bin_key).decode() == secret)


def shown_codes(response):
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.text)


def send_code(client, code, next_url=""):
    return client.post(VERIFY, {"otp_token": code, "next": next_url}, REMOTE_ADDR=IP)


def wait_out_throttle():
    """django-otp makes the next try wait 2^(n-1) seconds after n wrong codes: age the last failure."""
    past = timezone.now() - timedelta(hours=1)
    TOTPDevice.objects.update(throttling_failure_timestamp=past)
    StaticDevice.objects.update(throttling_failure_timestamp=past)


def enrol(client):
    """Set up the app through the pages; returns the device and the recovery codes shown."""
    device = device_shown(client.get(ENROL, REMOTE_ADDR=IP))
    response = client.post(ENROL, {"otp_token": code_for(device)}, REMOTE_ADDR=IP)
    return device, shown_codes(response), response


@pytest.fixture
def enrolled_admin(client, admin_user):
    """An administrator who set up the app, then logged out."""
    log_in(client, "admin")
    device, codes, _ = enrol(client)
    client.post(reverse("logout"))
    return device, codes


def test_admin_without_an_app_is_sent_to_set_up_before_any_page(client, admin_user, required):
    response = log_in(client, "admin")
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"] == f"{ENROL}?next=%2F"
    for url in [reverse("beneficiaries:list"), reverse("admin:index"), reverse("accounts:password_change")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(ENROL), url


def test_set_up_page_shows_a_qr_code_and_the_secret_of_the_new_app(client, admin_user, required, english):
    log_in(client, "admin")
    response = client.get(ENROL)
    device = TOTPDevice.objects.get(user=admin_user)
    assert not device.confirmed
    assert '<img class="qr-code" src="data:image/svg+xml' in response.text
    secret = response.context["secret"].replace(" ", "")
    assert secret in device.config_url
    assert "Set up two-factor authentication" in response.text
    # The site's CSP forbids inline styles.
    assert " style=" not in response.text
    # A reload keeps the same secret while the user is scanning it.
    assert client.get(ENROL).context["secret"] == response.context["secret"]


def test_a_wrong_set_up_code_is_refused_and_confirms_no_app(client, admin_user, required, english):
    log_in(client, "admin")
    client.get(ENROL)
    device = TOTPDevice.objects.get()
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"otp_token": wrong}, REMOTE_ADDR=IP)
    assert response.status_code == 200
    assert "This code is not the one the app shows" in response.text
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert not StaticDevice.objects.exists()
    assert client.get(reverse("beneficiaries:list"))["Location"].startswith(ENROL)


def test_the_right_set_up_code_confirms_the_app_and_shows_ten_recovery_codes_once(client, admin_user, required):
    log_in(client, "admin")
    device, codes, _ = enrol(client)
    device.refresh_from_db()
    assert device.confirmed
    assert len(set(codes)) == 10
    assert sorted(codes) == sorted(StaticToken.objects.filter(device__user=admin_user).values_list("token", flat=True))
    # Verified for the rest of the session: the registry and the admin open.
    assert client.get(reverse("beneficiaries:list")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200
    # Shown once: the overview only counts them.
    overview = client.get(reverse("accounts:two_factor"))
    assert not any(code in overview.text for code in codes)
    assert overview.context["recovery_codes_left"] == 10


def test_the_next_log_in_asks_for_the_code_before_any_page(client, enrolled_admin, required):
    log_in(client, "admin")
    for url in [reverse("home"), reverse("beneficiaries:list"), reverse("admin:index")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY), url
    # Not enrolment again: the app already exists.
    assert client.get(ENROL)["Location"] == VERIFY


def test_a_wrong_code_is_refused_and_the_right_one_opens_the_page_first_asked_for(
    client, enrolled_admin, required, english
):
    device, _ = enrolled_admin
    log_in(client, "admin")
    wrong = send_code(client, "000000" if code_for(device, 1) != "000000" else "111111", next_url="/beneficiaries/")
    assert wrong.status_code == 200
    assert "This code is not valid" in wrong.text
    assert client.get(reverse("beneficiaries:list")).status_code == 302
    wait_out_throttle()
    right = send_code(client, code_for(device, steps_ahead=1), next_url="/beneficiaries/")
    assert right.status_code == 302
    assert right["Location"] == "/beneficiaries/"
    assert client.get(reverse("beneficiaries:list")).status_code == 200


def test_the_code_step_never_redirects_to_another_site(client, enrolled_admin, required):
    device, _ = enrolled_admin
    log_in(client, "admin")
    response = send_code(client, code_for(device, steps_ahead=1), next_url="https://evil.example/")
    assert response["Location"] == reverse("home")


def test_passing_the_code_step_gives_the_session_a_new_key(client, enrolled_admin, required):
    device, _ = enrolled_admin
    log_in(client, "admin")
    before = client.session.session_key
    send_code(client, code_for(device, steps_ahead=1))
    assert client.session.session_key != before


def test_a_recovery_code_works_once(client, enrolled_admin, required, english):
    _, codes = enrolled_admin
    log_in(client, "admin")
    assert send_code(client, codes[0].upper()).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    log_in(client, "admin")
    again = send_code(client, codes[0])
    assert again.status_code == 200
    assert "This code is not valid" in again.text
    assert client.get(reverse("home")).status_code == 302
    assert StaticToken.objects.count() == 9


def test_a_code_typed_right_after_a_wrong_one_must_wait(client, enrolled_admin, required, english):
    device, _ = enrolled_admin
    log_in(client, "admin")
    send_code(client, "999999" if code_for(device, 1) != "999999" else "888888")
    response = send_code(client, code_for(device, steps_ahead=1))
    assert response.status_code == 200
    assert "Too many wrong codes in a row" in response.text
    assert client.get(reverse("home")).status_code == 302


def test_five_wrong_codes_end_the_session_and_lock_the_log_in_for_15_minutes(client, enrolled_admin, required):
    device, _ = enrolled_admin
    log_in(client, "admin")
    wrong = "000000" if code_for(device, 1) != "000000" else "111111"
    for _ in range(4):
        assert send_code(client, wrong).status_code == 200
        wait_out_throttle()
    fifth = send_code(client, wrong)
    assert fifth.status_code == 429
    assert "_auth_user_id" not in client.session
    # The right password no longer opens the log-in from this computer.
    assert log_in(client, "admin").status_code == 429
    # Recorded failures hold no code typed.
    assert wrong not in AccessAttempt.objects.get().post_data


def test_staff_not_flagged_is_never_asked_for_a_code(client, khemisset_staff, required):
    log_in(client, "khemisset.staff")
    assert client.get(reverse("beneficiaries:list")).status_code == 200
    assert not TOTPDevice.objects.exists()


def test_flagged_staff_must_set_up_an_app(client, khemisset_staff, required):
    khemisset_staff.two_factor_required = True
    khemisset_staff.save()
    log_in(client, "khemisset.staff")
    assert client.get(reverse("beneficiaries:list"))["Location"].startswith(ENROL)


def test_in_development_an_admin_logs_in_without_a_code(client, admin_user):
    log_in(client, "admin")
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("beneficiaries:list")).status_code == 200


def test_in_development_anyone_may_set_up_an_app_and_is_then_asked_for_the_code(client, khemisset_staff, english):
    log_in(client, "khemisset.staff")
    overview = client.get(reverse("accounts:two_factor"))
    assert "Off: logging in asks only for your password." in overview.text
    device, codes, _ = enrol(client)
    assert len(codes) == 10
    client.post(reverse("logout"))
    log_in(client, "khemisset.staff")
    assert client.get(reverse("beneficiaries:list"))["Location"].startswith(VERIFY)
    send_code(client, code_for(device, steps_ahead=1))
    assert client.get(reverse("beneficiaries:list")).status_code == 200


def test_the_user_menu_links_to_the_two_factor_page(client_for, khemisset_staff):
    response = client_for(khemisset_staff).get(reverse("home"))
    assert f'href="{reverse("accounts:two_factor")}"' in response.text


def test_new_recovery_codes_replace_the_old_ones(client, enrolled_admin, required):
    device, old_codes = enrolled_admin
    log_in(client, "admin")
    send_code(client, code_for(device, steps_ahead=1))
    response = client.post(reverse("accounts:two_factor_recovery_codes"))
    new_codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.text)
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(new_codes)


def test_new_recovery_codes_refuse_get(client, enrolled_admin, required):
    device, _ = enrolled_admin
    log_in(client, "admin")
    send_code(client, code_for(device, steps_ahead=1))
    assert client.get(reverse("accounts:two_factor_recovery_codes")).status_code == 405


def test_new_recovery_codes_need_a_session_verified_with_a_code(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    assert client.post(reverse("accounts:two_factor_recovery_codes")).status_code == 403
    assert not StaticToken.objects.exists()


def test_log_out_and_language_switch_stay_open_before_the_code(client, enrolled_admin, required):
    log_in(client, "admin")
    language = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert language.cookies["idmaj_language"].value == "fr"
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_an_htmx_request_before_the_code_is_sent_to_the_code_page_whole(client, enrolled_admin, required):
    log_in(client, "admin")
    response = client.get(reverse("beneficiaries:list"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(VERIFY)


def test_an_administrator_flags_a_user_in_the_user_admin(client, admin_user, khemisset_staff):
    log_in(client, "admin")
    page = client.get(reverse("admin:accounts_user_change", args=[khemisset_staff.pk]))
    assert 'name="two_factor_required"' in page.text


def test_device_admin_pages_show_neither_the_secret_nor_the_recovery_codes(client, admin_user, required):
    log_in(client, "admin")
    device, codes, _ = enrol(client)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.text
    assert b32encode(device.bin_key).decode() not in page.text
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code == 403
    assert client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk])).status_code == 403
    static = StaticDevice.objects.get()
    static_page = client.get(reverse("admin:otp_static_staticdevice_change", args=[static.pk]))
    assert static_page.status_code == 200
    assert not any(code in static_page.text for code in codes)


def test_deleting_the_app_in_the_admin_makes_the_user_set_up_a_new_one(client, enrolled_admin, required):
    TOTPDevice.objects.all().delete()
    log_in(client, "admin")
    assert client.get(reverse("home"))["Location"].startswith(ENROL)
    _, codes, _ = enrol(client)
    # The old recovery codes went with the old app.
    assert StaticToken.objects.count() == 10
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)


def test_an_app_deleted_while_the_code_page_is_open_leads_to_a_new_set_up(client, enrolled_admin, required):
    log_in(client, "admin")
    assert client.get(reverse("home"))["Location"].startswith(VERIFY)
    TOTPDevice.objects.all().delete()
    assert client.get(VERIFY)["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"].startswith(ENROL)


def test_a_user_made_admin_later_is_asked_to_set_up_an_app(client, db, required):
    user = UserFactory(username="promoted", role=User.Role.STAFF)
    log_in(client, "promoted")
    assert client.get(reverse("home")).status_code == 200
    user.role = User.Role.ADMIN
    user.province = None
    user.save()
    assert client.get(reverse("home"))["Location"].startswith(ENROL)


# --- one session's set-up is its own ----------------------------------------------------------


def english_client():
    client = Client()
    client.cookies["idmaj_language"] = "en"
    return client


def test_a_secret_read_by_an_attacker_before_the_real_set_up_never_opens_the_account(admin_user, required):
    """The attacker has the password and opens the set-up page before the administrator does."""
    attacker, admin = english_client(), english_client()
    log_in(attacker, "admin")
    attacker_secret = attacker.get(ENROL).context["secret"]
    log_in(admin, "admin")
    admin_page = admin.get(ENROL)
    assert admin_page.context["secret"] != attacker_secret
    admin_device = device_shown(admin_page)
    codes = shown_codes(admin.post(ENROL, {"otp_token": code_for(admin_device)}, REMOTE_ADDR=IP))
    assert len(codes) == 10

    # The attacker's set-up died with the administrator's confirmation, and none is offered again.
    assert not any(b32encode(d.bin_key).decode() == attacker_secret.replace(" ", "") for d in TOTPDevice.objects.all())
    late = attacker.post(ENROL, {"otp_token": code_from_secret(attacker_secret)}, REMOTE_ADDR=IP)
    assert late["Location"] == VERIFY
    assert attacker.get(ENROL)["Location"] == VERIFY

    # Logging in again, the attacker's app is refused: no admin, no new recovery codes.
    attacker.post(reverse("logout"))
    log_in(attacker, "admin")
    refused = send_code(attacker, code_from_secret(attacker_secret, steps_ahead=1))
    assert refused.status_code == 200
    assert "This code is not valid" in refused.text
    assert attacker.get(reverse("admin:index"))["Location"].startswith(VERIFY)
    assert attacker.post(reverse("accounts:two_factor_recovery_codes"))["Location"] == VERIFY
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)
    assert list(TOTPDevice.objects.values_list("pk", "confirmed")) == [(admin_device.pk, True)]


def test_a_reload_in_another_session_shows_another_secret_and_the_same_session_keeps_its_own(
    client, admin_user, required
):
    log_in(client, "admin")
    other = Client()
    log_in(other, "admin")
    first = client.get(ENROL).context["secret"]
    assert other.get(ENROL).context["secret"] != first
    assert client.get(ENROL).context["secret"] == first
    assert TOTPDevice.objects.filter(confirmed=False).count() == 2


def test_an_app_confirmed_from_another_session_meanwhile_wins_over_this_one(admin_user):
    """Two sessions type a right set-up code at the same moment: the first confirmed stays the only app."""
    first = TOTPDevice.objects.create(user=admin_user, name="Authenticator app", confirmed=False)
    second = TOTPDevice.objects.create(user=admin_user, name="Authenticator app", confirmed=False)
    assert len(two_factor.confirm_enrolment(first)) == 10
    assert two_factor.confirm_enrolment(second) is None
    # A set-up page opened just before the confirmation may create its device just after it.
    third = TOTPDevice.objects.create(user=admin_user, name="Authenticator app", confirmed=False)
    assert two_factor.confirm_enrolment(third) is None
    assert list(TOTPDevice.objects.values_list("pk", "confirmed")) == [(first.pk, True)]
    assert StaticToken.objects.count() == 10


def test_set_up_offers_no_new_secret_once_the_app_is_confirmed(client, enrolled_admin, required):
    device, _ = enrolled_admin
    log_in(client, "admin")
    assert client.get(ENROL)["Location"] == VERIFY
    send_code(client, code_for(device, steps_ahead=1))
    assert client.get(ENROL)["Location"] == reverse("accounts:two_factor")
    assert list(TOTPDevice.objects.values_list("pk", flat=True)) == [device.pk]


# --- sessions opened before the app was set up elsewhere -------------------------------------


def test_a_session_opened_before_the_app_was_set_up_elsewhere_is_asked_for_the_code_not_looped(admin_user, required):
    earlier, later = Client(), Client()
    log_in(earlier, "admin")
    assert earlier.get(reverse("home"))["Location"].startswith(ENROL)
    log_in(later, "admin")
    device, _, _ = enrol(later)
    for url in [reverse("home"), reverse("beneficiaries:list"), reverse("admin:index")]:
        assert earlier.get(url)["Location"].startswith(VERIFY), url
    assert earlier.get(ENROL)["Location"] == VERIFY
    assert earlier.get(VERIFY).status_code == 200
    assert send_code(earlier, code_for(device, steps_ahead=1))["Location"] == reverse("home")
    assert earlier.get(reverse("beneficiaries:list")).status_code == 200


def test_a_password_only_session_meets_the_code_step_once_the_app_is_set_up_elsewhere(khemisset_staff):
    """In development nobody must use an app, but whoever set one up is asked for it in every session."""
    earlier, later = Client(), Client()
    log_in(earlier, "khemisset.staff")
    assert earlier.get(reverse("beneficiaries:list")).status_code == 200
    log_in(later, "khemisset.staff")
    enrol(later)
    assert earlier.get(reverse("beneficiaries:list"))["Location"].startswith(VERIFY)
    assert earlier.post(reverse("accounts:two_factor_recovery_codes"))["Location"] == VERIFY


# --- the page of a user who owes a code ------------------------------------------------------

APP_LINKS = [
    reverse("beneficiaries:list"),
    reverse("admin:index"),
    reverse("accounts:password_change"),
    reverse("accounts:two_factor"),
]


def assert_only_language_and_log_out(page):
    for link in APP_LINKS:
        assert f'href="{link}"' not in page, link
    assert ">Home</a>" not in page
    assert f'action="{reverse("set_language")}"' in page
    assert f'action="{reverse("logout")}"' in page


def test_the_code_page_offers_no_app_navigation_only_the_language_and_log_out(
    client, enrolled_admin, required, english
):
    device, _ = enrolled_admin
    log_in(client, "admin")
    assert_only_language_and_log_out(client.get(VERIFY).text)
    send_code(client, code_for(device, steps_ahead=1))
    home = client.get(reverse("home")).text
    assert ">Home</a>" in home
    for link in APP_LINKS:
        assert f'href="{link}"' in home, link


def test_the_set_up_page_of_a_user_who_must_set_up_offers_no_app_navigation(client, admin_user, required, english):
    log_in(client, "admin")
    assert_only_language_and_log_out(client.get(ENROL).text)


def test_a_set_up_abandoned_a_day_ago_is_removed_when_a_new_one_starts(client, admin_user, required):
    abandoned = TOTPDevice.objects.create(user=admin_user, name="Authenticator app", confirmed=False)
    TOTPDevice.objects.filter(pk=abandoned.pk).update(created_at=timezone.now() - timedelta(days=2))
    recent = TOTPDevice.objects.create(user=admin_user, name="Authenticator app", confirmed=False)
    log_in(client, "admin")
    shown = device_shown(client.get(ENROL))
    assert sorted(TOTPDevice.objects.values_list("pk", flat=True)) == sorted([recent.pk, shown.pk])
