"""Static files in production: collectstatic succeeds and every page finds its hashed files.

The rest of the suite uses plain storage (see conftest); these tests run the production storage,
as `collectstatic` with DJANGO_DEBUG=false does, into a temporary STATIC_ROOT.
"""

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "static"
TEMPLATES_DIR = ROOT / "templates"
SOURCE_MAP = re.compile(rb"sourceMappingURL=(\S+?)(?:\s*\*/)?\s*$", re.MULTILINE)
STATIC_TAG = re.compile(r"""{% static ['"]([^'"]+)['"] %}""")


@pytest.fixture
def collected(settings, tmp_path):
    """collectstatic into a temporary folder with the production storage; returns the manifest's paths."""
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    return json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text())["paths"]


def test_every_source_map_named_by_a_vendored_file_is_vendored_too():
    # Manifest storage follows sourceMappingURL comments: a missing map stops collectstatic.
    for path in STATIC_DIR.rglob("*.[cj]s"):
        for name in SOURCE_MAP.findall(path.read_bytes()):
            assert (path.parent / name.decode()).is_file(), f"{path.relative_to(ROOT)} names a missing {name}"


def test_collectstatic_gives_every_static_file_and_template_reference_a_hashed_name(collected):
    ours = {str(path.relative_to(STATIC_DIR)) for path in STATIC_DIR.rglob("*") if path.is_file()}
    assert ours - collected.keys() == set()
    referenced = {name for page in TEMPLATES_DIR.rglob("*.html") for name in STATIC_TAG.findall(page.read_text())}
    assert "vendor/bootstrap/bootstrap.rtl.min.css" in referenced
    assert referenced - collected.keys() == set()
    assert re.fullmatch(r"vendor/bootstrap/bootstrap\.rtl\.min\.[0-9a-f]{12}\.css", collected[
        "vendor/bootstrap/bootstrap.rtl.min.css"])  # fmt: skip


def test_the_login_page_links_hashed_files_that_whitenoise_serves_for_a_year(client, collected):
    page = client.get("/login/")
    assert page.status_code == 200
    css = "/static/" + collected["vendor/bootstrap/bootstrap.rtl.min.css"]
    assert f'href="{css}"' in page.text
    served = client.get(css)
    assert served.status_code == 200
    assert "immutable" in served["Cache-Control"]
    max_age = int(re.search(r"max-age=(\d+)", served["Cache-Control"])[1])
    assert max_age >= 365 * 24 * 3600
