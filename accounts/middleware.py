from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from accounts.two_factor import pending_step

# What a signed-in user who still owes a code may reach (static files never reach Django's URLs).
OPEN_VIEWS = {
    "logout",
    "set_language",
    "healthz",
    "accounts:two_factor_verify",
    "accounts:two_factor_enrol",
}


class TwoFactorMiddleware:
    """Sends a signed-in user who must still give a code, or enrol an app, to that page first.

    Runs in process_view, after LoginRequiredMiddleware and OTPMiddleware, so every page,
    the Django admin included, is covered without each view opting in.

    `request.two_factor_step` (the URL name of the step owed, or None) is set for every request,
    error pages included: the navigation hides the links that would only redirect.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.two_factor_step = pending_step(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.view_name in OPEN_VIEWS:
            return None
        step = request.two_factor_step
        if step is None:
            return None
        url = reverse(step)
        if request.method == "GET":  # come back here afterwards (a POST can't be replayed)
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.htmx:
            return HttpResponseClientRedirect(url)
        return redirect(url)
