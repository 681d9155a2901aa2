"""Handovers, their items, ceremonies and the ledger in the admin: look, search and filter.

Handovers are planned, delivered, cancelled and reversed through their own screens (the
transitions lock the line and post to the ledger); the admin never adds, changes or deletes them.
The ledger is append-only everywhere: no add, change or delete, here as in the database. A
handover's page names its people, so each look at it is in the access log.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from beneficiaries.access import log_access
from beneficiaries.models import AccessLog
from disbursements.models import Ceremony, Handover, HandoverItem, LedgerEntry
from reintegration.lib.admin import NoPersonalDataPages, ReadOnlyAdmin, ReadOnlyHistoryAdmin
from reintegration.lib.money import format_mad


class HandoverItemInline(admin.TabularInline):
    model = HandoverItem
    fields = ["designation", "category", "quantity", "unit_price", "supplier", "serial_number"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Handover)
class HandoverAdmin(ReadOnlyHistoryAdmin):
    # No beneficiary in the list: a list of names would be an unlogged look at people.
    list_display = ["number", "province", "kind", "value", "status", "planned_on", "delivered_on"]
    list_filter = ["status", "kind", "province__region"]
    search_fields = ["number"]
    list_select_related = ["province"]
    exclude = ["receipt_scan"]
    readonly_fields = ["signed_receipt"]
    date_hierarchy = "planned_on"
    inlines = [HandoverItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def log_page(self, request, object_id) -> bool:
        handover = self.get_queryset(request).select_related("project__lead").filter(pk=object_id).first()
        if handover:
            for person in handover.project.beneficiaries():
                log_access(request.user, AccessLog.Action.VIEW, beneficiary=person)
        return handover is not None

    @admin.display(description=_("value (MAD)"), ordering="amount")
    def value(self, handover):
        return format_mad(handover.amount)

    @admin.display(description=_("signed receipt"))
    def signed_receipt(self, handover):
        # Documents live outside any public URL: the application's view serves them, in scope.
        if not handover.receipt_scan:
            return "—"
        url = reverse("disbursements:receipt_scan", args=[handover.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


@admin.register(HandoverItem)
class HandoverItemAdmin(ReadOnlyHistoryAdmin):
    list_display = ["designation", "handover", "category", "quantity", "unit_price"]
    list_filter = ["category"]
    search_fields = ["designation", "serial_number", "handover__number"]
    list_select_related = ["handover"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(handover__in=Handover.objects.visible_to(request.user))

    def log_page(self, request, object_id) -> bool:
        # An item names a thing and a handover number, not a person.
        return self.get_queryset(request).filter(pk=object_id).exists()


@admin.register(Ceremony)
class CeremonyAdmin(NoPersonalDataPages, ReadOnlyHistoryAdmin):
    list_display = ["held_on", "place", "province", "presided_by"]
    list_filter = ["province__region"]
    search_fields = ["place", "presided_by"]
    list_select_related = ["province"]
    date_hierarchy = "held_on"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    """Append-only (the database refuses changes too): read and filter, nothing else. No history:
    an entry is itself history and is never changed."""

    list_display = ["value_date", "handover", "line", "amount_mad", "by", "at"]
    list_filter = ["value_date"]
    search_fields = ["handover__number"]
    list_select_related = ["handover", "line__partner", "by"]
    date_hierarchy = "value_date"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(handover__in=Handover.objects.visible_to(request.user))

    @admin.display(description=_("amount (MAD)"), ordering="amount")
    def amount_mad(self, entry):
        return format_mad(entry.amount)
