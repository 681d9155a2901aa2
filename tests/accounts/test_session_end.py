"""A session that ends on its own says so on the log-in page; "Stay signed in" renews it."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SIGNED_IN_COOKIE
from tests.factories import TEST_PASSWORD

ENDED = "Your session ended after 30 minutes without activity: log in again."


@pytest.fixture
def signed_in(client, khemisset_staff):
    client.cookies["idmaj_language"] = "en"
    client.post(reverse("login"), {"username": "khemisset.staff", "password": TEST_PASSWORD})
    assert client.cookies[SIGNED_IN_COOKIE].value == "1"
    return client


def expire_sessions():
    """What 30 minutes without a request do: the session's row has expired, and with REDIS_URL set
    (cached_db sessions, as in CI and production) its cached copy has expired with it."""
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    cache.clear()


def test_an_expired_session_says_so_on_the_log_in_page_once(signed_in):
    expire_sessions()
    response = signed_in.get(reverse("beneficiaries:list"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login") + "?next=")
    assert ENDED in response.text
    assert "what you had typed was not saved" in response.text
    assert ENDED not in signed_in.get(reverse("login")).text  # told once, not forever


def test_a_form_sent_after_the_session_ended_says_what_was_typed_is_lost(signed_in, khemisset_staff):
    expire_sessions()
    response = signed_in.post(reverse("beneficiaries:create"), {"first_name": "Fatima"}, follow=True)
    assert ENDED in response.text
    assert "If you were filling in a form, what you had typed was not saved." in response.text


def test_a_first_visit_shows_no_session_message(client, db):
    client.cookies["idmaj_language"] = "en"
    response = client.get(reverse("home"), follow=True)
    assert "Log in to Idmaj" in response.text
    assert ENDED not in response.text


def test_logging_out_is_not_an_ended_session(signed_in):
    signed_in.post(reverse("logout"))
    response = signed_in.get(reverse("home"), follow=True)
    assert "Log in to Idmaj" in response.text
    assert ENDED not in response.text


def test_the_message_is_in_arabic_by_default(client, khemisset_staff):
    client.post(reverse("login"), {"username": "khemisset.staff", "password": TEST_PASSWORD})
    expire_sessions()
    response = client.get(reverse("home"), follow=True)
    assert 'id="session-ended"' in response.text
    assert 'dir="rtl"' in response.text


def test_keep_alive_answers_204_and_renews_the_session(signed_in):
    session = Session.objects.get()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=2))  # the warning is up
    response = signed_in.get(reverse("accounts:keep_alive"))
    assert response.status_code == 204
    assert Session.objects.get(pk=session.pk).expire_date > timezone.now() + timedelta(minutes=29)


def test_keep_alive_needs_a_session(client, db):
    response = client.get(reverse("accounts:keep_alive"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_keep_alive_after_the_end_keeps_the_message_for_the_log_in_page(signed_in):
    """The warning's script asks keep-alive first: its redirect must not use up the message."""
    expire_sessions()
    assert signed_in.get(reverse("accounts:keep_alive")).status_code == 302
    assert ENDED in signed_in.get(reverse("login")).text


def test_keep_alive_refuses_post(signed_in):
    assert signed_in.post(reverse("accounts:keep_alive")).status_code == 405


def test_signed_in_pages_carry_the_warning_with_its_times_and_texts(signed_in):
    page = signed_in.get(reverse("home")).text
    assert 'data-session-seconds="1800"' in page
    assert 'data-warning-seconds="300"' in page
    assert f'data-keep-alive-url="{reverse("accounts:keep_alive")}"' in page
    assert "Your session ends in 5 minutes without activity" in page
    assert "Stay signed in" in page
    assert "/static/js/session-timeout.js" in page


def test_the_log_in_page_has_no_warning(client, db):
    assert "session-timeout.js" not in client.get(reverse("login")).text
