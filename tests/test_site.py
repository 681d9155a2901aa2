"""Site-wide guarantees: login everywhere, language, security headers, configuration."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User

ROOT = Path(__file__).resolve().parent.parent
OPEN_TO_ANONYMOUS = {"/login/", "/healthz", "/i18n/setlang/"}


def walk(patterns, prefix=""):
    """Yield a concrete path for every URL pattern, filling parameters with plausible values."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield "/" + (
                route.replace("^", "")
                .replace("$", "")
                .replace("\\Z", "")
                .replace("<int:pk>", "1")
                .replace("<int:consent_pk>", "1")
                .replace("<str:file_format>", "csv")
                .replace("<path:object_id>", "1")
                .replace("(?P<app_label>auth|accounts|territory|django_tasks_database|axes|simple_history)", "accounts")
            )


def concrete_paths():
    paths = set()
    for path in walk(get_resolver().url_patterns):
        if "(" in path or "<" in path:
            # Regex routes we cannot fill generically (admin internals); their prefix is covered.
            continue
        paths.add(path)
    return sorted(paths)


@pytest.mark.parametrize("path", concrete_paths())
def test_every_page_but_login_and_healthz_sends_anonymous_users_to_login(client, db, path):
    if path in OPEN_TO_ANONYMOUS:
        return
    response = client.get(path, follow=True)
    assert response.redirect_chain, f"{path} answered without redirecting"
    assert response.redirect_chain[-1][0].startswith(reverse("login")), path


def test_the_walk_covers_the_open_pages_and_the_admin(db):
    paths = concrete_paths()
    assert set(paths) >= OPEN_TO_ANONYMOUS
    assert "/admin/" in paths
    assert len(paths) > 10


def test_login_and_healthz_answer_anonymous_users(client, db):
    assert client.get(reverse("login")).status_code == 200
    health = client.get(reverse("healthz"))
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok"}


def test_arabic_is_the_default_language_right_to_left_with_the_rtl_stylesheet(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").text
    assert '<html lang="ar" dir="rtl">' in page
    assert "bootstrap.rtl.min.css" in page


def test_choosing_french_is_remembered_on_the_next_request(client, db):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/login/"})
    assert response.status_code == 302
    page = client.get(reverse("login")).text
    assert '<html lang="fr" dir="ltr">' in page
    assert "bootstrap.min.css" in page
    assert "bootstrap.rtl.min.css" not in page
    assert "Se connecter" in page


def test_non_admins_get_403_in_the_django_admin(client_for, khemisset_staff):
    assert client_for(khemisset_staff).get("/admin/", follow=True).status_code == 403


def test_admins_manage_users_roles_and_scopes_in_the_django_admin(client_for, admin_user, khemisset_staff):
    client = client_for(admin_user)
    page = client.get(f"/admin/accounts/user/{khemisset_staff.pk}/change/").text
    for field in ("id_role", "id_province", "id_region", "id_national"):
        assert field in page
    assert client.get("/admin/territory/province/?q=Khémisset").status_code == 200


def production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-the-test-0123456789abcdef",
            "DJANGO_ALLOWED_HOSTS": "idmaj.example.org",
            **extra,
        }
    )
    return env


def production_settings(monkeypatch):
    for name, value in production_env().items():
        monkeypatch.setenv(name, value)
    loaded = runpy.run_path(str(ROOT / "reintegration" / "settings.py"))
    return {name: value for name, value in loaded.items() if name.startswith(("SECURE_", "SESSION_", "CSRF_"))}


def test_production_pages_carry_csp_with_a_nonce_hsts_and_nosniff(client_for, khemisset_staff, monkeypatch):
    with override_settings(**production_settings(monkeypatch)):
        response = client_for(khemisset_staff).get(reverse("home"), secure=True)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "'nonce-" in csp
    assert "'unsafe-inline'" not in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.text
    assert "max-age=31536000" in response["Strict-Transport-Security"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client_for, khemisset_staff):
    page = client_for(khemisset_staff).get(reverse("home")).text
    assert " style=" not in page
    assert "<style" not in page
    for tag in page.split("<script")[1:]:
        assert "src=" in tag.split(">")[0]


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_secret_key_or_allowed_hosts(name):
    result = run_manage("check", env=production_env(**{name: ""}))
    assert result.returncode != 0
    assert f"{name} must be set" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [("DATABASE_URL", "nonsense"), ("DJANGO_DEBUG", "maybe"), ("REDIS_URL", "localhost:6379")],
)
def test_a_malformed_variable_stops_the_start_with_its_name(name, value):
    result = run_manage("check", env=production_env(**{name: value}))
    assert result.returncode != 0
    assert name in result.stderr
    assert "Traceback" not in result.stderr.splitlines()[-1]


def test_admin_gets_a_clear_message_for_a_staff_member_without_a_province(client_for, admin_user):
    client = client_for(admin_user)
    client.cookies["idmaj_language"] = "fr"
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "new.staff", "password1": "a-long-enough-pass-1", "password2": "a-long-enough-pass-1",
         "role": "staff", "usable_password": "true"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Le personnel provincial doit avoir une province." in response.text
    assert not User.objects.filter(username="new.staff").exists()


def test_refused_and_missing_pages_are_explained_in_the_users_language(client_for, khemisset_official):
    client = client_for(khemisset_official)
    client.cookies["idmaj_language"] = "fr"
    refused = client.get("/beneficiaries/")
    assert refused.status_code == 403
    assert "Accès refusé" in refused.text and 'dir="ltr"' in refused.text
    client.cookies["idmaj_language"] = "ar"
    missing = client.get("/nowhere/")
    assert missing.status_code == 404
    assert "الصفحة غير موجودة" in missing.text


def test_the_server_error_page_renders_without_a_request():
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("ar"):
        page = render_to_string("500.html")
    assert 'dir="rtl"' in page
