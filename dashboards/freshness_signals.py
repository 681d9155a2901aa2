"""The figures follow the data: every save, delete and many-to-many change of a model the figures
read tells reintegration.lib.freshness which province changed, and when the write commits the
cached figures are invalidated and that province's summary is marked stale (then refreshed by a
task, or by the next reader). A receiver, not a call in each method: the dashboards are this
app's concern, and the apps below must not know them. Their bulk writes, which send no signal,
call figures_changed() themselves."""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from reintegration.lib.freshness import figures_changed, figures_stale

FIGURE_APPS = ("territory", "partners", "beneficiaries", "projects", "disbursements")
# Written on every page that shows a person, or while an import runs: no figure reads them.
IGNORED = {"accesslog", "importjob", "historyimport", "handoversequence", "consent"}


def province_of(instance) -> list:
    """The province whose figures `instance` is part of: [id]; none for what the dashboards read
    live rather than from the summaries (conventions, contributions, partners, places), for
    which only the cached figures go."""
    if getattr(instance, "province_id", None) is not None:
        return [instance.province_id]
    from disbursements.models import Handover
    from projects.models import MicroProject

    for field, model in (("project_id", MicroProject), ("handover_id", Handover), ("microproject_id", MicroProject)):
        related = getattr(instance, field, None)
        if related is not None:
            return list(model.objects.filter(pk=related).values_list("province_id", flat=True))
    return []


def saved(sender, instance, **kwargs):
    figures_changed(province_of(instance))


def m2m(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        figures_changed(province_of(instance))


def stale(sender, provinces, **kwargs):
    from dashboards.summaries import mark_stale
    from dashboards.tasks import refresh_summaries

    if mark_stale(provinces):
        transaction.on_commit(lambda: refresh_summaries.enqueue(provinces), robust=True)


def territory_changed(sender, **kwargs):
    """The division never changes in production; a test suite loads it again after a flush, with
    new ids: the places read once per process are read again."""
    from dashboards.scopes import places
    from dashboards.summaries import region_of

    places.cache_clear()
    region_of.cache_clear()


def figure_models():
    for label in FIGURE_APPS:
        for model in apps.get_app_config(label).get_models():
            name = model._meta.model_name
            if name not in IGNORED and not name.startswith("historical"):
                yield model


def connect() -> None:
    figures_stale.connect(stale, dispatch_uid="figures:stale")
    for model in apps.get_app_config("territory").get_models():
        post_save.connect(territory_changed, sender=model, dispatch_uid=f"places:{model._meta.label}")
    for model in figure_models():
        post_save.connect(saved, sender=model, dispatch_uid=f"figures:{model._meta.label}:save")
        post_delete.connect(saved, sender=model, dispatch_uid=f"figures:{model._meta.label}:delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(m2m, sender=field.remote_field.through, dispatch_uid=f"figures:{field}:m2m")
