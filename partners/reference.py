"""The programme's partners from its first day, loaded by a data migration (and by tests whose
transactional flush empties the table)."""

PROGRAMME_PARTNERS = [
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


def load_programme_partners(Partner) -> None:  # the historical model of a migration, or the real one
    for acronym, name_fr, name_ar, kind in PROGRAMME_PARTNERS:
        Partner.objects.get_or_create(acronym=acronym, defaults={"name_fr": name_fr, "name_ar": name_ar, "kind": kind})
