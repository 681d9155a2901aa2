from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User

admin.site.site_header = _("Idmaj administration")
admin.site.site_title = _("Idmaj administration")
admin.site.index_title = _("Users, reference data and audit")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "province", "region", "national", "is_active"]
    list_filter = ["role", "national", "is_active", "two_factor_required", "region", "province"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_select_related = ["province", "region"]
    autocomplete_fields = ["province", "region"]
    ordering = ["username"]
    filter_horizontal = ["groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Role and scope"), {"fields": ["role", "province", "region", "national", "is_active"]}),
        (_("Two-factor authentication"), {"fields": ["two_factor_required"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "password1", "password2"]}),
        (_("Role and scope"), {"fields": ["role", "province", "region", "national"]}),
        (_("Two-factor authentication"), {"fields": ["two_factor_required"]}),
    ]
