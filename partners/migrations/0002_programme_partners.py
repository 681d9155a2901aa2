"""The programme's three partners from its first day; administrators add the others."""

from django.db import migrations

PARTNERS = [
    (
        "INDH",
        "Initiative nationale pour le développement humain (Comité provincial de développement humain, CPDH)",
        "المبادرة الوطنية للتنمية البشرية (اللجنة الإقليمية للتنمية البشرية)",
        "funder",
    ),
    (
        "FM6RD",
        "Fondation Mohammed VI pour la réinsertion des détenus",
        "مؤسسة محمد السادس لإعادة إدماج السجناء",
        "funder",
    ),
    (
        "ANAPEC",
        "Agence nationale de promotion de l'emploi et des compétences",
        "الوكالة الوطنية لإنعاش التشغيل والكفاءات",
        "technical",
    ),
]


def add_partners(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    for acronym, name_fr, name_ar, kind in PARTNERS:
        Partner.objects.get_or_create(acronym=acronym, defaults={"name_fr": name_fr, "name_ar": name_ar, "kind": kind})


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_partners_and_conventions")]

    operations = [migrations.RunPython(add_partners, migrations.RunPython.noop)]
