"""Project-wide pages: the role-aware home page and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.views.decorators.cache import never_cache

from reintegration.lib import contributions
from reintegration.lib.personal_data import PersonalDataDenied


def home(request):
    """What this user can do next: the cards each app offers them (see reintegration.lib.contributions)."""
    return render(request, "home.html", {"home_cards": contributions.home_cards(request.user)})


def permission_denied(request, exception):
    """The 403 page: a refusal that protects personal data says so (never which record was asked);
    one raised with a sentence for the user (`PermissionDenied(_("You submitted this project..."))`)
    shows it."""
    reason = exception.args[0] if exception.args and isinstance(exception.args[0], str | Promise) else ""
    context = {"personal_data": isinstance(exception, PersonalDataDenied), "reason": reason}
    return render(request, "403.html", context, status=403)


@login_not_required
@never_cache
def healthz(request):
    """Liveness for load balancers: answers 503 when the database does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required
def admin_login(request):
    """One log-in page for the whole site: the admin's own is replaced by ours."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next", "/admin/"))
