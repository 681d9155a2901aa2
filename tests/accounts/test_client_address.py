"""The address a log-in lockout is keyed on, with and without the TLS proxy in front (DJANGO_TRUSTED_PROXY_COUNT)."""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

from tests.factories import TEST_PASSWORD

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "reintegration" / "settings.py"
PROXY = "127.0.0.1"  # the TLS proxy on the same host, as the README deploys it
ATTACKER = "203.0.113.66"
COLLEAGUE = "198.51.100.7"


def settings_with(monkeypatch, **env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def address_settings(monkeypatch, count: str) -> dict:
    loaded = settings_with(monkeypatch, DJANGO_TRUSTED_PROXY_COUNT=count)
    return {name: value for name, value in loaded.items() if name.startswith(("AXES_IPWARE_", "IPWARE_"))}


def log_in(client, password, *, remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": "khemisset.staff", "password": password}, **headers)


def test_without_a_proxy_a_forged_forwarded_for_neither_escapes_the_lock_nor_locks_another_address(
    client, khemisset_staff, monkeypatch
):
    with override_settings(**address_settings(monkeypatch, "0")):
        # A new forged address on every try, the last ones the colleague's own.
        for attempt in range(5):
            log_in(client, "wrong-password-123", remote=ATTACKER, forwarded=f"192.0.2.{attempt}, {COLLEAGUE}")
        locked = log_in(client, TEST_PASSWORD, remote=ATTACKER, forwarded="192.0.2.200")
        assert locked.status_code == 429
        assert "_auth_user_id" not in client.session
        assert log_in(client, TEST_PASSWORD, remote=COLLEAGUE).status_code == 302


def test_behind_one_proxy_five_failures_lock_that_client_while_another_client_still_logs_in(
    client, khemisset_staff, monkeypatch
):
    with override_settings(**address_settings(monkeypatch, "1")):
        for _ in range(5):
            log_in(client, "wrong-password-123", remote=PROXY, forwarded=ATTACKER)
        assert log_in(client, TEST_PASSWORD, remote=PROXY, forwarded=ATTACKER).status_code == 429
        response = log_in(client, TEST_PASSWORD, remote=PROXY, forwarded=COLLEAGUE)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(khemisset_staff.pk)


def test_behind_one_proxy_addresses_the_client_sent_before_its_own_are_ignored(client, khemisset_staff, monkeypatch):
    # The proxy appends the address it saw to whatever the client sent: forged entries, or those of
    # the colleague's office proxy. Neither may move anyone onto a shared address.
    office = "10.1.2.3"
    with override_settings(**address_settings(monkeypatch, "1")):
        for attempt in range(5):
            log_in(client, "wrong-password-123", remote=PROXY, forwarded=f"192.0.2.{attempt}, {COLLEAGUE}, {ATTACKER}")
        assert log_in(client, TEST_PASSWORD, remote=PROXY, forwarded=f"192.0.2.9, {ATTACKER}").status_code == 429
        assert log_in(client, TEST_PASSWORD, remote=PROXY, forwarded=f"{office}, {COLLEAGUE}").status_code == 302


def test_behind_two_proxies_the_client_is_the_second_address_from_the_right(client, khemisset_staff, monkeypatch):
    edge = "10.0.0.2"  # the first proxy, as the second one records it
    with override_settings(**address_settings(monkeypatch, "2")):
        for _ in range(5):
            log_in(client, "wrong-password-123", remote=PROXY, forwarded=f"{ATTACKER}, {edge}")
        assert log_in(client, TEST_PASSWORD, remote=PROXY, forwarded=f"{ATTACKER}, {edge}").status_code == 429
        assert log_in(client, TEST_PASSWORD, remote=PROXY, forwarded=f"{COLLEAGUE}, {edge}").status_code == 302


def test_a_log_in_that_bypasses_the_proxy_is_still_refused_after_five_failures(client, khemisset_staff, monkeypatch):
    with override_settings(**address_settings(monkeypatch, "1")):
        assert log_in(client, "wrong-password-123", remote=PROXY).status_code == 200
        for _ in range(4):
            log_in(client, "wrong-password-123", remote=PROXY)
        assert log_in(client, TEST_PASSWORD, remote=PROXY).status_code == 429


@pytest.mark.parametrize("value", ["one", "-1", "1.5"])
def test_a_malformed_proxy_count_stops_the_start_with_the_variables_name(monkeypatch, value):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_TRUSTED_PROXY_COUNT"):
        settings_with(monkeypatch, DJANGO_TRUSTED_PROXY_COUNT=value)
