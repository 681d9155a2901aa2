"""The dashboards: the user's own scope, a province, a region, the nation; each also as a file."""

from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dashboards import exports, presentation
from dashboards.cache import cached, figures_for
from dashboards.forms import DashboardFilterForm
from dashboards.links import may_drill_down
from dashboards.privacy import for_viewer, hides_small_counts
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
        filters.fill_menus()
        context = {"scope": scope, "filters": filters, "body_html": None}
        return render(request, "dashboards/dashboard.html", context, status=400)
    selection = filters.selection()
    if export_format:
        return exports.response(for_viewer(figures_for(selection), request.user), export_format)
    context = {
        "scope": scope,
        "filters": filters,
        "body_html": body_html(request, filters, selection),
        "breadcrumbs": presentation.breadcrumbs(scope, request.user),
    }
    return render(request, "dashboards/dashboard.html", context)


def body_html(request, filters, selection) -> str:
    """The filters and the figures, rendered once per scope, filters, language and kind of viewer
    (small counts hidden or not, links to the lists or not) until the figures change: drawing the
    menus, tables and charts costs more than reading the figures (make bench)."""
    user = request.user
    viewer = f"{int(hides_small_counts(user))}{int(may_drill_down(user))}"

    def render_body() -> str:
        figures = for_viewer(figures_for(selection), user)
        filters.fill_menus()
        page = presentation.page(figures, selection, user)
        context = {"scope": selection.scope, "filters": filters, "figures": figures, "page": page}
        return render_to_string("dashboards/body.html", context)

    html = cached("dashboard-html", f"{selection.cache_key()}:{get_language()}:{viewer}", render_body)
    return mark_safe(html)  # noqa: S308 - our template's output, escaped when it was rendered
