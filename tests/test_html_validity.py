"""The main pages are valid HTML, checked by the Nu HTML checker (the W3C's validator) in both languages.

Invalid markup is not cosmetic: screen readers and right-to-left layout depend on a correct
tree (a <form> inside a <span> is moved out by the parser, so its button lands elsewhere).
`make install-dev` fetches vnu.jar from the npm package vnu-jar; it runs on the JVM.
"""

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from beneficiaries.models import Consent
from tests.factories import BeneficiaryFactory, ProjectFactory, UserFactory, partner, region
from tests.projects.scenes import drafted, khemisset_convention

VNU = Path(__file__).resolve().parent.parent / ".venv/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
LANGUAGES = ["ar", "fr"]


@pytest.fixture(autouse=True)
def imports_run_at_once(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def checker_missing() -> str:
    if not VNU.exists():
        return f"no {VNU} (make install-dev fetches it)"
    if not shutil.which("java"):
        return "no java on the PATH (apt-get install default-jre-headless)"
    return ""


def nu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """Every error the checker finds, as 'page: line: message'. One JVM start for all pages."""
    files = []
    for name, html in pages.items():
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(result.stderr)["messages"]
    return [f"{Path(m['url']).stem}: {m.get('lastLine', '?')}: {m['message']}" for m in messages]


def main_pages(client, staff) -> dict[str, str]:
    """The pages a provincial staff member works in, with content in every block (errors, problems)."""
    person = BeneficiaryFactory(province=staff.province, first_name_ar="خديجة", last_name_ar="الزموري")
    Consent.objects.create(
        beneficiary=person, purpose=Consent.Purpose.PROGRAMME, given_on=date(2025, 3, 1), recorded_by=staff
    )
    # A draft of theirs fills the record's projects panel (a row, its status, "Draft a project").
    ProjectFactory(lead=person, title="Atelier de couture", created_by=staff)
    BeneficiaryFactory.create_batch(3, province=staff.province)
    # Row 4 of the import below resembles him: the preview lists a probable duplicate with its choices.
    BeneficiaryFactory(province=staff.province, first_name="Karim", last_name="Bennani", date_of_birth=date(1960, 1, 2))
    pages = {"login": client.get(reverse("login")).text}
    client.force_login(staff)
    csv = "cin;prenom;nom;sexe;date_naissance\nXA900001;Khadija;Zemmouri;F;12/04/1991\nXA900002;Hicham;;M;31/02/1990\n"
    csv += "XA900003;Karim;Bennani;M;02/01/1960\n"
    upload = SimpleUploadedFile("liste.csv", csv.encode(), content_type="text/csv")
    job_url = client.post(reverse("beneficiaries:import_upload"), {"file": upload}).url
    gets = {
        "home": reverse("home"),
        "list": reverse("beneficiaries:list"),
        "search": reverse("beneficiaries:list") + "?q=khadija&status=registered&sort=-name",
        "detail": person.get_absolute_url(),
        "register": reverse("beneficiaries:create"),
        "edit": reverse("beneficiaries:edit", args=[person.pk]),
        "import": reverse("beneficiaries:import_upload"),
        "import-preview": job_url,
        "password": reverse("accounts:password_change"),
        "not-found": "/beneficiaries/999999/",
    }
    pages |= {name: client.get(url).text for name, url in gets.items()}
    pages["register-errors"] = client.post(reverse("beneficiaries:create"), {"cin": "1", "sex": "X"}).text
    status_url = reverse("beneficiaries:change_status", args=[person.pk])
    pages["status-confirm"] = client.post(status_url, {"status": "accompanied"}).text
    client.post(status_url, {"status": "accompanied", "confirm": "1"})
    step_back_url = reverse("beneficiaries:step_back_status", args=[person.pk])
    pages["step-back-errors"] = client.post(step_back_url, {"reason": "", "from_status": "accompanied"}).text
    consent_url = reverse("beneficiaries:record_consent", args=[person.pk])
    pages["consent-errors"] = client.post(consent_url, {"purpose": "programme", "given_on": "2099-01-01"}).text
    return pages | project_pages(client, staff, person) | ceremony_pages(client, staff)


def project_pages(client, staff, person) -> dict[str, str]:
    """The project list, a draft's page (with what it lacks), the draft form, and the form refused."""
    project = drafted(khemisset_convention(reference=f"KHE-2020-{person.pk}"), staff, lead=person)
    project.co_beneficiaries.add(BeneficiaryFactory(province=staff.province))
    refused = {"title": "", "total_cost": "10", "own_contribution": "20", "lines-TOTAL_FORMS": "1"}
    refused |= {"lines-INITIAL_FORMS": "0", "lines-0-partner": "", "lines-0-amount": "-1"}
    return {
        "projects": client.get(reverse("projects:list")).text,
        "project": client.get(project.get_absolute_url()).text,
        "project-new": client.get(reverse("projects:create") + f"?lead={person.pk}").text,
        "project-errors": client.post(reverse("projects:create") + f"?lead={person.pk}", refused).text,
    }


def ceremony_pages(client, staff) -> dict[str, str]:
    """The ceremony list, a ceremony with a planned handover and a project to add, its forms and
    confirmation, and its press summary."""
    from disbursements.ceremony_planning import add_projects
    from tests.disbursements.ceremony_scenes import approved_project, ceremony
    from tests.projects.workflow_stages import khemisset_convention as two_partner_convention

    coordinator = {"role": User.Role.COORDINATOR, "province": None}
    anapec = UserFactory(username="html.anapec", region=region("04"), partner=partner("ANAPEC"), **coordinator)
    indh = UserFactory(username="html.indh", region=region("04"), partner=partner("INDH"), **coordinator)
    fm6rd = UserFactory(username="html.fm6rd", region=region("04"), partner=partner("FM6RD"), **coordinator)
    convention = two_partner_convention(reference=f"KHE-CER-{BeneficiaryFactory().pk}")
    planned, _waiting = (approved_project(convention, staff, anapec, indh, fm6rd) for _ in range(2))
    held = ceremony(staff)
    add_projects(held, [planned], by=staff)
    return {
        "ceremonies": client.get(reverse("disbursements:ceremony_list")).text,
        "ceremony": client.get(held.get_absolute_url()).text,
        "ceremony-new": client.get(reverse("disbursements:ceremony_create")).text,
        "ceremony-errors": client.post(reverse("disbursements:ceremony_create"), {"held_on": "", "place": ""}).text,
        "ceremony-deliver": client.get(reverse("disbursements:ceremony_deliver", args=[held.pk])).text,
        "ceremony-press": client.get(reverse("disbursements:ceremony_press", args=[held.pk])).text,
    }


@pytest.mark.skipif(bool(checker_missing()) and not os.environ.get("CI"), reason=checker_missing() or "checker found")
def test_the_main_pages_are_valid_html_in_arabic_and_french(client, khemisset_staff, tmp_path, settings):
    assert not checker_missing(), checker_missing()  # CI must run the check, never skip it
    pages = {}
    for language in LANGUAGES:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        client.logout()
        pages |= {f"{name}-{language}": html for name, html in main_pages(client, khemisset_staff).items()}
        khemisset_staff.refresh_from_db()
    assert len(pages) == 2 * 25
    errors = nu_errors(pages, tmp_path)
    assert not errors, "\n".join(errors)
