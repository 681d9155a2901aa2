"""Admin bases every app uses: read-only pages, and change histories that only show.

The application's own screens are where records change (they normalise, check and lock); the
admin looks, searches and filters, and changes a few descriptive fields where an app allows it.
"""

from django.contrib import admin
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed

from reintegration.lib.history import LabelledHistoryAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, search and filter only: these records change through the application's own screens."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GuardedHistoryAdmin(LabelledHistoryAdmin):
    """A change history (its changes in labels, not codes) whose pages only show, in scope, and
    each page about an object passes through `log_page`.

    simple-history's page of one past version saves whatever is POSTed to it, reverting disabled
    or not (3.13 checks the view permission only), and looks the version up outside
    `get_queryset`: it once stored a CIN `zz 1`, moved a status two steps and a person to another
    province through a read-only admin, unlogged. It would as well put back an envelope or an
    amount past the row locks that guard them. Here it only shows.
    """

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":  # a refused POST shows nothing; a saved one was shown before
            self.log_page(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self.log_page(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not self.log_page(request, object_id):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def log_page(self, request, object_id) -> bool:
        """Log the page about `object_id` when it shows people and is in the user's scope; False
        when it is not in scope. Each admin says it: a page forgotten here would go unlogged."""
        raise NotImplementedError


class ReadOnlyHistoryAdmin(ReadOnlyAdmin, GuardedHistoryAdmin):
    """Read-only, history included, and every page that shows a person logged (`log_page`)."""


class NoPersonalDataPages:
    """For a GuardedHistoryAdmin of reference data (partners, conventions): nothing to log, and a
    page exists when its object is in `get_queryset`."""

    def log_page(self, request, object_id) -> bool:
        return self.get_queryset(request).filter(pk=object_id).exists()


class SavesOnlyChangedFields:
    """For an admin that may change a few descriptive fields of a record the application also
    changes (a project's status, a convention's envelope): it writes the fields the administrator
    changed onto the row as it is now, locked, never the whole record as the form loaded it. A full
    save would put back a status or an envelope changed meanwhile, past the checks that guard them."""

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        model = type(obj)
        changed = [name for name in form.changed_data if not model._meta.get_field(name).many_to_many]
        if not changed:
            return None
        stamps = [field.name for field in model._meta.concrete_fields if getattr(field, "auto_now", False)]
        with transaction.atomic():
            current = model._default_manager.select_for_update().get(pk=obj.pk)
            for name in changed:
                setattr(current, name, getattr(obj, name))
            current._history_user = request.user  # its history row shows the row as it now is
            current.save(update_fields=changed + stamps)
        obj.refresh_from_db()
        return None
