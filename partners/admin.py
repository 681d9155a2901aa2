"""Partners, conventions and contributions in the admin, with their history.

The amounts are read-only here: the envelope and the contributions change on the convention's
page in the application (partners.views.save_convention), which goes through the convention's
locked methods. The admin would otherwise check neither the envelope against the contributions
nor a contribution against what its partner has already committed.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partners.models import Contribution, Convention, Partner
from reintegration.lib.admin import (
    GuardedHistoryAdmin,
    NoPersonalDataPages,
    ReadOnlyHistoryAdmin,
    SavesOnlyChangedFields,
)
from reintegration.lib.money import format_mad

AMOUNTS_ELSEWHERE = _(
    "The envelope, the parties and their contributions change on the convention's page in Idmaj "
    "(“View on site”, then “Edit”), where they are checked against each other and against the "
    "funding lines already approved."
)


@admin.register(Partner)
class PartnerAdmin(NoPersonalDataPages, GuardedHistoryAdmin):
    list_display = ["acronym", "name_fr", "name_ar", "kind"]
    list_filter = ["kind"]
    search_fields = ["acronym", "name_fr", "name_ar"]


class ContributionInline(admin.TabularInline):
    model = Contribution
    fields = ["partner", "amount_mad", "in_kind"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("amount (MAD)"))
    def amount_mad(self, contribution):
        return format_mad(contribution.amount)


@admin.register(Convention)
class ConventionAdmin(NoPersonalDataPages, SavesOnlyChangedFields, GuardedHistoryAdmin):
    """Descriptive fields only; new conventions are made on the application's page, with their parties."""

    list_display = ["reference", "title", "scope", "place", "year", "indh_phase", "envelope_mad"]
    list_filter = ["year", "indh_phase", "scope", "region"]
    search_fields = ["reference", "title"]
    list_select_related = ["province", "region"]
    autocomplete_fields = ["province", "region"]
    readonly_fields = ["envelope_mad", "signed_document"]
    fieldsets = [
        (None, {"fields": ["reference", "title", "scope", "province", "region"]}),
        (None, {"fields": ["signed_on", "year", "indh_phase", "starts_on", "ends_on", "target_beneficiaries"]}),
        (_("Amounts"), {"fields": ["envelope_mad"], "description": AMOUNTS_ELSEWHERE}),
        (None, {"fields": ["notes", "signed_document"]}),
    ]
    inlines = [ContributionInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("place"))
    def place(self, convention):
        return convention.place or _("National")

    @admin.display(description=_("envelope (MAD)"), ordering="envelope")
    def envelope_mad(self, convention):
        return format_mad(convention.envelope)

    @admin.display(description=_("signed convention"))
    def signed_document(self, convention):
        # Documents live outside any public URL: the application's view serves them, in scope.
        if not convention.document:
            return "—"
        url = reverse("partners:convention_document", args=[convention.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


@admin.register(Contribution)
class ContributionAdmin(NoPersonalDataPages, ReadOnlyHistoryAdmin):
    """Each party's contribution and its history (who changed the amount, when, from what)."""

    list_display = ["convention", "partner", "amount_mad", "in_kind"]
    list_filter = ["partner", "convention__year"]
    search_fields = ["convention__reference", "partner__acronym"]
    list_select_related = ["convention", "partner"]

    @admin.display(description=_("amount (MAD)"), ordering="amount")
    def amount_mad(self, contribution):
        return format_mad(contribution.amount)
