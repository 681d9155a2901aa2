"""Site-wide guarantees: login everywhere, language, security headers, configuration."""

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern

from accounts.models import User

ROOT = Path(__file__).resolve().parent.parent
OPEN_TO_ANONYMOUS = {"/login/", "/healthz", "/i18n/setlang/"}

# Values for route parameters: by converter, and by name where the view checks the value.
CONVERTER_VALUES = {"int": "1", "str": "1", "path": "1", "slug": "a", "uuid": "00000000-0000-0000-0000-000000000001"}
PARAMETER_VALUES = {"file_format": "csv"}
# Regex groups the admin and its add-ons use: "(?P<app_label>auth|accounts|…)", "(?P<url>.*)", "([^/]+)".
CHOICES_GROUP = re.compile(r"\((?:\?P<\w+>)?(?P<first>\w+)(?:\|\w+)+\)")
ANY_TEXT_GROUP = re.compile(r"\((?:\?P<\w+>)?(?:\.\*|\.\+|\[\^/\]\+|\\d\+|\[0-9\]\+|\\w\+)\)")
REGEX_SYNTAX = re.compile(r"[()<>\[\]^$*+?|\\]")


def fill_route(route: str) -> str:
    def value(match):
        if match["name"] in PARAMETER_VALUES:
            return PARAMETER_VALUES[match["name"]]
        return CONVERTER_VALUES.get(match["converter"] or "str", match[0])  # an unknown converter stays unfilled

    return re.sub(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>", value, route)


def fill_regex(regex: str) -> str:
    regex = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    regex = CHOICES_GROUP.sub(lambda match: match["first"], regex)
    regex = ANY_TEXT_GROUP.sub("1", regex)
    return re.sub(r"\\([./-])", r"\1", regex)


def all_routes():
    """(route, path) for every URL pattern of the site."""

    def visit(patterns, route_prefix, path_prefix):
        for pattern in patterns:
            declared = str(pattern.pattern)
            route = route_prefix + declared.removeprefix("^")  # joined as Django joins them
            path = path_prefix + (
                fill_regex(declared) if isinstance(pattern.pattern, RegexPattern) else fill_route(declared)
            )
            if isinstance(pattern, URLResolver):
                yield from visit(pattern.url_patterns, route, path)
            elif isinstance(pattern, URLPattern):
                yield route, path

    return sorted(visit(get_resolver().url_patterns, "", "/"))


def concrete_paths():
    return sorted({path for _, path in all_routes()})


def test_every_route_is_filled_into_a_path_that_leads_back_to_it(db):
    unfilled = [f"{route} → {path}" for route, path in all_routes() if REGEX_SYNTAX.search(path)]
    assert unfilled == [], "routes the walk cannot fill (teach fill_route or fill_regex their parameters)"
    for route, path in all_routes():
        assert resolve(path).route == route, f"{path} (from {route}) resolves to another route"


@pytest.mark.parametrize("path", [path for path in concrete_paths() if path not in OPEN_TO_ANONYMOUS])
def test_every_page_but_the_open_ones_sends_anonymous_users_to_login(client, db, path):
    response = client.get(path, follow=True)
    assert response.redirect_chain, f"{path} answered without redirecting"
    assert response.redirect_chain[-1][0].startswith(reverse("login")), path


def test_the_walk_covers_the_open_pages_every_registry_route_and_the_admin(db):
    paths = concrete_paths()
    assert set(paths) >= OPEN_TO_ANONYMOUS
    assert {
        "/beneficiaries/export.csv",
        "/beneficiaries/1/consent/1/withdraw/",
        "/beneficiaries/import/1/errors.csv",
    } <= set(paths)
    # The handover screens (the disbursements app's list, export, page, actions and planning).
    assert {
        "/disbursements/handovers/",
        "/disbursements/handovers/export.csv",
        "/disbursements/handovers/1/",
        "/disbursements/handovers/1/deliver/",
        "/disbursements/handovers/1/receipt-scan/",
        "/disbursements/lines/1/plan/",
    } <= set(paths)
    assert {
        "/disbursements/ceremonies/",
        "/disbursements/ceremonies/1/",
        "/disbursements/ceremonies/1/add/",
        "/disbursements/ceremonies/1/handovers/1/remove/",
        "/disbursements/ceremonies/1/deliver/",
        "/disbursements/ceremonies/1/press/",
    } <= set(paths)
    # The admin's regex routes: an app index, simple-history's revision page, the catch-all.
    assert {"/admin/", "/admin/auth/", "/admin/beneficiaries/beneficiary/1/history/1/", "/admin/1"} <= set(paths)


def test_the_open_pages_answer_anonymous_users(client, db):
    assert client.get(reverse("login")).status_code == 200
    health = client.get(reverse("healthz"))
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok"}
    # The language switch works before log-in: it goes where asked, not to the log-in page's ?next=.
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/login/"})
    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert client.cookies["idmaj_language"].value == "fr"
    assert {reverse("login"), reverse("healthz"), reverse("set_language")} == OPEN_TO_ANONYMOUS


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
    [
        ("DATABASE_URL", "nonsense"),
        ("DATABASE_REPLICA_URL", "nonsense"),
        ("DJANGO_DEBUG", "maybe"),
        ("REDIS_URL", "localhost:6379"),
    ],
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
