"""Cached figures are invalidated when the data under them changes: every save, delete and
many-to-many change of the models the figures read bumps the figures' generation when the
transaction commits (reintegration.lib.freshness). A receiver, not a call in each method: the
cache is this app's concern, and the apps below must not know it. Their bulk writes, which send
no signal, call figures_changed() themselves."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from reintegration.lib.freshness import figures_changed

FIGURE_APPS = ("territory", "partners", "beneficiaries", "projects", "disbursements")
# Written on every page that shows a person, or while an import runs: no figure reads them.
IGNORED = {"accesslog", "importjob", "historyimport", "handoversequence"}


def changed(sender, **kwargs):
    figures_changed()


def figure_models():
    for label in FIGURE_APPS:
        for model in apps.get_app_config(label).get_models():
            name = model._meta.model_name
            if name not in IGNORED and not name.startswith("historical"):
                yield model


def connect() -> None:
    for model in figure_models():
        post_save.connect(changed, sender=model, dispatch_uid=f"figures:{model._meta.label}:save")
        post_delete.connect(changed, sender=model, dispatch_uid=f"figures:{model._meta.label}:delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(changed, sender=field.remote_field.through, dispatch_uid=f"figures:{field}:m2m")
