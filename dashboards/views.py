"""The dashboards: the user's own scope, a province, a region, the nation; each also as a file."""

from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dashboards import exports, presentation
from dashboards.cache import figures_for
from dashboards.forms import DashboardFilterForm
from dashboards.privacy import for_viewer
from dashboards.scopes import NATIONAL, PROVINCE, REGION, own_scope, scope_for


def own_dashboard(request):
    """/dashboards/ opens the user's whole scope, filters kept."""
    url = own_scope(request.user).get_absolute_url()
    return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)


def national_dashboard(request):
    return dashboard(request, scope_for(request.user, NATIONAL))


def region_dashboard(request, code):
    return dashboard(request, scope_for(request.user, REGION, code))


def province_dashboard(request, code):
    return dashboard(request, scope_for(request.user, PROVINCE, code))


def dashboard(request, scope):
    filters = DashboardFilterForm(request.GET, scope=scope)
    export_format = request.GET.get("format", "")
    if export_format and export_format not in exports.FORMATS:
        return HttpResponseBadRequest(_("Unknown format: ask for csv, xlsx or json."))
    if not filters.is_valid():
        if export_format:
            return HttpResponseBadRequest(_("A filter is not valid: correct it on the dashboard page."))
        context = {"scope": scope, "filters": filters, "figures": None}
        return render(request, "dashboards/dashboard.html", context, status=400)
    selection = filters.selection()
    figures = for_viewer(figures_for(selection), request.user)
    if export_format:
        return exports.response(figures, export_format)
    context = {
        "scope": scope,
        "filters": filters,
        "figures": figures,
        "page": presentation.page(figures, selection, request.user),
    }
    return render(request, "dashboards/dashboard.html", context)
