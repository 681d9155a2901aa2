from django.contrib import admin

from territory.models import Province, Region


class ReferenceAdmin(admin.ModelAdmin):
    """Territory is loaded by a migration: only admins may correct it."""

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(Region)
class RegionAdmin(ReferenceAdmin):
    list_display = ["code", "name_fr", "name_ar"]
    search_fields = ["code", "name_fr", "name_ar"]


@admin.register(Province)
class ProvinceAdmin(ReferenceAdmin):
    list_display = ["code", "name_fr", "name_ar", "kind", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["code", "name_fr", "name_ar"]
    list_select_related = ["region"]
