from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from beneficiaries.access import log_access
from beneficiaries.models import AccessLog, Beneficiary, Consent, ImportJob
from reintegration.lib.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin


@admin.register(Beneficiary)
class BeneficiaryAdmin(ReadOnlyHistoryAdmin):
    list_display = ["__str__", "cin_masked", "date_of_birth", "province", "status"]
    list_filter = ["status", "sex", "province__region", "referral_source"]
    # No CIN: the admin's search sits in the URL (?q=), and a CIN is never written in one.
    # Administrators find someone by CIN with the registry's "Find by CIN", which is logged.
    search_fields = ["first_name", "last_name", "first_name_ar", "last_name_ar"]
    list_select_related = ["province"]
    raw_id_fields = ["created_by", "duplicate_confirmed_by"]
    readonly_fields = ["created_by", "created_at", "duplicate_confirmed_by", "duplicate_confirmed_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    @admin.display(description=_("CIN"))
    def cin_masked(self, beneficiary):
        return beneficiary.masked_cin

    # Read-only: the registry screens normalise the CIN, check duplicates and move the status
    # one step at a time; the admin would skip all three.
    def log_page(self, request, object_id) -> bool:
        # The record, its history and its past versions show the full CIN: each view is a reveal.
        beneficiary = self.get_queryset(request).filter(pk=object_id).first()
        if beneficiary:
            log_access(request.user, AccessLog.Action.REVEAL_CIN, beneficiary=beneficiary)
        return beneficiary is not None


@admin.register(Consent)
class ConsentAdmin(ReadOnlyHistoryAdmin):
    """Consents are recorded and withdrawn on the beneficiary's page, where the dates are checked."""

    list_display = ["beneficiary", "purpose", "given_on", "withdrawn_on", "recorded_by"]
    list_filter = ["purpose"]
    raw_id_fields = ["beneficiary", "recorded_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(beneficiary__in=Beneficiary.objects.visible_to(request.user))

    def log_page(self, request, object_id) -> bool:
        consent = self.get_queryset(request).select_related("beneficiary").filter(pk=object_id).first()
        if consent:
            log_access(request.user, AccessLog.Action.VIEW, beneficiary=consent.beneficiary)
        return consent is not None


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    """The application never edits or deletes the access log; admins read and filter it."""

    list_display = ["at", "user", "action", "beneficiary", "query", "row_count"]
    list_filter = ["action", "at", "user"]
    search_fields = ["user__username", "query"]
    list_select_related = ["user", "beneficiary"]
    date_hierarchy = "at"


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    """Imports are driven from the registry's import screens; the admin only looks."""

    list_display = ["original_name", "province", "status", "total_rows", "created_by", "created_at", "confirmed_by"]
    list_filter = ["status", "province__region"]
    search_fields = ["original_name", "created_by__username"]
    list_select_related = ["province", "created_by", "confirmed_by"]
    exclude = ["report", "errors_file"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)
