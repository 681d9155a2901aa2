from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static import admin as otp_static_admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as otp_totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

admin.site.site_header = _("Idmaj administration")
admin.site.site_title = _("Idmaj administration")
admin.site.index_title = _("Users, reference data and audit")
# django-otp registers its device pages when its admin module is imported (above): ours replace them.
admin.site.unregister([TOTPDevice, StaticDevice])


class PartnerForCoordinatorsOnly:
    """Only a coordinator acts for a partner: a partner on another role would mean nothing, and
    would start meaning something the day the role changed."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("partner") and cleaned.get("role") != User.Role.COORDINATOR:
            self.add_error("partner", _("Only a partner coordinator acts for a partner: leave it empty for this role."))
        return cleaned


class UserEditForm(PartnerForCoordinatorsOnly, UserChangeForm):
    pass


class UserAddForm(PartnerForCoordinatorsOnly, AdminUserCreationForm):
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    list_display = [
        "username",
        "first_name",
        "last_name",
        "role",
        "partner",
        "province",
        "region",
        "national",
        "is_active",
    ]
    list_filter = ["role", "partner", "national", "is_active", "two_factor_required", "region", "province"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_select_related = ["province", "region", "partner"]
    autocomplete_fields = ["province", "region", "partner"]
    ordering = ["username"]
    filter_horizontal = ["groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Role and scope"), {"fields": ["role", "partner", "province", "region", "national", "is_active"]}),
        (_("Two-factor authentication"), {"fields": ["two_factor_required"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "password1", "password2"]}),
        (_("Role and scope"), {"fields": ["role", "partner", "province", "region", "national"]}),
        (_("Two-factor authentication"), {"fields": ["two_factor_required"]}),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.role == User.Role.COORDINATOR and obj.partner_id is None:
            messages.warning(
                request,
                _("%(user)s is a coordinator acting for no partner: they can do nothing until you choose one.")
                % {"user": obj.username},
            )


class TranslatedOTPAdmin:
    """django-otp's device pages with translated section titles and search help (its own are English)."""

    search_help_text = _("Search by the user's username or email address")

    def get_fieldsets(self, request, obj=None):
        # django-otp's titles ("Identity", "Timestamps", ...) are in catalog_extras.
        return [(gettext(name) if name else None, options) for name, options in super().get_fieldsets(request, obj)]


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(TranslatedOTPAdmin, otp_totp_admin.TOTPDeviceAdmin):
    pass


@admin.register(StaticDevice)
class StaticDeviceAdmin(TranslatedOTPAdmin, otp_static_admin.StaticDeviceAdmin):
    pass
