"""The Arabic and French admin is fully translated, third-party pages included.

What Django and the third-party apps show but their catalogs lack is listed in
reintegration/lib/catalog_extras.py (.js for the admin's scripts) so the project's catalog carries
it. The `test_once_translated_*` tests check the committed catalogs really translate them: they
fail until the integrator has translated the new entries (`make messages`, translate, commit).
"""

import ast
import os
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation.trans_real import DjangoTranslation

EXTRAS = Path(settings.BASE_DIR) / "reintegration" / "lib" / "catalog_extras.py"
JS_EXTRAS = EXTRAS.with_suffix(".js")
SITE_PACKAGES = Path(os.path.dirname(polib.__file__))  # where the packages are installed

# What an administrator saw in English on the Arabic or French admin (every page walked, Django
# 6.1.3 and the pinned packages): (context, msgid).
SEEN_IN_ENGLISH = [
    (None, "Run"),
    (None, "Search %(name)s"),
    (None, "Pagination %(name)s"),
    (None, "salt"),
    (None, "hash"),
    ("Task", "Ready"),
    ("Task", "Running"),
    ("Task", "Failed"),
    ("Task", "Successful"),
    (None, "Task Results"),
    (None, "enqueued at"),
    (None, "started at"),
    (None, "priority"),
    (None, "queue name"),
    (None, "Attempt Remaining"),
    (None, "Clean up expired attempts"),
    (None, "User Agent"),
    (None, "Changes"),
    (None, "View history: %s"),  # French: "Historique de vue"
    (None, "Identity"),
    (None, "Timestamps"),
    (None, "Throttling"),
]

# Words French writes as English does.
SAME_IN_FRENCH = {"Configuration", "HTTP Accept"}


def catalog_extras() -> list[tuple]:
    """(context, msgid, plural) of every string catalog_extras.py marks, as makemessages reads them."""
    found = []
    for node in ast.walk(ast.parse(EXTRAS.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
            if node.func.id == "gettext_noop":
                found.append((None, args[0], None))
            elif node.func.id == "pgettext_lazy":
                found.append((args[0], args[1], None))
            elif node.func.id == "ngettext_lazy":
                found.append((None, args[0], args[1]))
    return found


def js_extras() -> list[tuple]:
    """(msgid, plural) of catalog_extras.js, read the simple way its one-call-per-entry layout allows."""
    import re

    text = JS_EXTRAS.read_text(encoding="utf-8")
    singles = [(m, None) for m in re.findall(r'^gettext\("(.*)"\);$', text, flags=re.M)]
    plurals = re.findall(r'ngettext\(\s*"(.*?)",\s*"(.*?)",', text, flags=re.S)
    return singles + plurals


def test_every_admin_string_seen_in_english_is_in_catalog_extras():
    listed = {(context, msgid) for context, msgid, _ in catalog_extras()}
    assert [entry for entry in SEEN_IN_ENGLISH if entry not in listed] == []


def packages_msgids() -> set:
    """(context, msgid) of the catalogs Django, axes and simple-history ship (French, which has them all)."""
    msgids = set()
    for po in [
        *SITE_PACKAGES.glob("django/**/locale/fr/LC_MESSAGES/django.po"),
        *SITE_PACKAGES.glob("*/locale/fr/LC_MESSAGES/django.po"),
    ]:
        msgids |= {(entry.msgctxt, entry.msgid) for entry in polib.pofile(po)}
    return msgids


def source_of(*packages) -> str:
    return "".join(
        p.read_text(encoding="utf-8") for package in packages for p in (SITE_PACKAGES / package).rglob("*.py")
    )


def test_each_catalog_extra_is_the_exact_msgid_its_package_uses():
    """A msgid that differs from the package's by one character would override nothing."""
    known = packages_msgids()
    gettext_calls = source_of("django_tasks_db", "axes", "simple_history")  # strings their French catalogs lack
    otp_titles = source_of("django_otp")  # not marked at all: accounts/admin.py translates them
    history_templates = "".join(
        p.read_text(encoding="utf-8") for p in (SITE_PACKAGES / "simple_history").rglob("*.html")
    )
    strays = [
        (context, msgid)
        for context, msgid, _ in catalog_extras()
        if (context, msgid) not in known
        and f'_("{msgid}")' not in gettext_calls
        and f"'{msgid}'" not in otp_titles
        and f"{{% trans '{msgid}' %}}" not in history_templates
    ]
    assert strays == []


def test_the_admin_names_third_party_apps_and_otp_devices_with_translatable_names():
    for label in ("axes", "otp_totp", "otp_static", "django_tasks_database"):
        assert isinstance(apps.get_app_config(label).verbose_name, Promise), label
    totp = apps.get_model("otp_totp", "TOTPDevice")._meta
    assert isinstance(totp.verbose_name_plural, Promise)
    assert isinstance(totp.get_field("created_at").help_text, Promise)


def test_the_device_pages_translate_django_otps_section_titles(client_for, admin_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=False)  # no code asked
    client = client_for(admin_user)
    client.cookies["idmaj_language"] = "fr"
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    # "Identity" is already in the catalog (the record's page): django-otp's title now goes through it.
    assert next(fieldset.name for fieldset in page.context["adminform"]) == "Identité"


# --- once translated: these pass after the integrator has translated the new catalog entries ---


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_once_translated_every_catalog_extra_reads_in_the_language(language):
    untranslated = []
    with translation.override(language):
        for context, msgid, plural in catalog_extras():
            if plural:
                shown, english = translation.ngettext(msgid, plural, 5), plural
            elif context:
                shown, english = translation.pgettext(context, msgid), msgid
            else:
                shown, english = translation.gettext(msgid), msgid
            if shown == english and not (language == "fr" and msgid in SAME_IN_FRENCH):
                untranslated.append(msgid)
    assert untranslated == []


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_once_translated_the_admins_scripts_read_in_the_language(language):
    """The time-zone note and the calendar's labels, as /admin/jsi18n/ serves them."""
    admin_locale = SITE_PACKAGES / "django" / "contrib" / "admin" / "locale"
    catalog = DjangoTranslation(language, domain="djangojs", localedirs=[str(admin_locale)])
    untranslated = [
        msgid
        for msgid, plural in js_extras()
        if (catalog.ngettext(msgid, plural, 5) == plural if plural else catalog.gettext(msgid) == msgid)
    ]
    assert untranslated == []


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_once_translated_the_admin_index_names_every_app_in_the_language(client_for, admin_user, language):
    client = client_for(admin_user)
    client.cookies["idmaj_language"] = language
    html = client.get(reverse("admin:index")).content.decode()
    english = ["Log-in attempts", "Background tasks", "Task Results", "Authenticator apps", "TOTP devices",
               "Recovery codes", "Static devices", "Otp_Totp", "Tasks Database Backend"]  # fmt: skip
    assert [name for name in english if name in html] == []
