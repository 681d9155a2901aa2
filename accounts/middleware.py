from urllib.parse import urlencode

from django.conf import settings
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


# Says only "this browser was signed in": no name, no session key. Set while a session lives,
# deleted at log-out; found without a session, it means the session ended on its own.
SIGNED_IN_COOKIE = "idmaj_signed_in"


def session_end_marker(get_response):
    """Tells a session that expired (30 minutes without a request) from a first visit, so the
    log-in page can say why the user is there and that what they had typed was not saved.

    Sets `request.session_expired`. The marker survives the redirect to the log-in page (and
    htmx or script requests, which show no page) and is dropped once a page has said so.
    """

    def middleware(request):
        was_signed_in = request.user.is_authenticated
        marked = request.COOKIES.get(SIGNED_IN_COOKIE) == "1"
        request.session_expired = marked and not was_signed_in
        response = get_response(request)
        if request.user.is_authenticated:
            if not marked:
                response.set_cookie(
                    SIGNED_IN_COOKIE,
                    "1",
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
        elif marked and (not request.session_expired or shown_as_a_page(request, response)):
            response.delete_cookie(SIGNED_IN_COOKIE, samesite="Lax")  # logged out, or already told
        return response

    return middleware


def shown_as_a_page(request, response) -> bool:
    return response.status_code == 200 and "HX-Request" not in request.headers
