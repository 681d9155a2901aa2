"""A model method that changes state is never run by a template that names it by mistake."""

from pathlib import Path

from django.core.files.base import ContentFile
from django.template import engines

from beneficiaries.models import Beneficiary, ImportJob
from tests.factories import BeneficiaryFactory, province


def render(text, **context):
    return engines["django"].from_string(text).render(context)


def test_a_stray_job_cancel_in_a_template_does_not_cancel_the_import(khemisset_staff):
    job = ImportJob.objects.create(
        created_by=khemisset_staff,
        province=province("04.291"),
        original_name="liste.csv",
        file=ContentFile(b"cin\nAB1\n", name="liste.csv"),
    )
    render("{{ job.cancel }}{{ job.start_checking }}{{ job.forget_file }}", job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED
    assert Path(job.file.path).exists()


def test_a_stray_save_or_key_refresh_in_a_template_changes_nothing(khemisset_staff):
    """save() overrides keep Django's alters_data (AltersData); refresh_name_keys is marked by hand."""
    person = BeneficiaryFactory(last_name="Alaoui")
    person.last_name = "Changed"
    render("{{ person.save }}{{ person.refresh_name_keys }}", person=person)
    assert Beneficiary.objects.get(pk=person.pk).last_name == "Alaoui"
    assert "changed" not in person.sort_name
