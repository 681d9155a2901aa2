from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import two_factor
from accounts.forms import CodeForm, EnrolmentForm, ThrottledPasswordChangeForm

# Axes' lockout page, worded for the door that was knocked on (the lock itself is shared).
LOCKOUT_TEMPLATES = {"accounts:password_change": "registration/password_change_locked.html"}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429, like axes' own page, with a message that fits the page."""
    match = request.resolver_match
    template = LOCKOUT_TEMPLATES.get(match.view_name if match else "", settings.AXES_LOCKOUT_TEMPLATE)
    return render(request, template, status=429)


def is_locked_out(request) -> bool:
    """Whether axes refuses this signed-in user from this address (5 failures in 15 minutes)."""
    return not AxesProxyHandler.is_allowed(request, {"username": request.user.get_username()})


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")

    def dispatch(self, request, *args, **kwargs):
        # Locked: say so before the user types anything (the form would refuse any password).
        if request.user.is_authenticated and is_locked_out(request):
            return lockout_response(request)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


def _next_url(request) -> str:
    """Where to go once verified: the page first asked for, if it is on this site."""
    url = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def two_factor_verify(request):
    """The second step of the log-in: a code from the app, or a recovery code."""
    if two_factor.pending_step(request) != "accounts:two_factor_verify":
        return redirect(_next_url(request))
    if is_locked_out(request):
        return _lock_out(request)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            device = two_factor.matching_device(request.user, form.cleaned_data["otp_token"])
        except two_factor.Throttled:
            form.add_error("otp_token", _("Too many wrong codes in a row: wait a minute, then type the new code."))
        else:
            if device is not None:
                two_factor.mark_verified(request, device)
                return redirect(_next_url(request))
            form.add_error(
                "otp_token", _("This code is not valid. Type the code the app shows now, or a recovery code.")
            )
            two_factor.record_failed_code(request)
            if getattr(request, "axes_locked_out", False):  # that was the fifth wrong attempt
                return _lock_out(request)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


def _lock_out(request):
    """Locked: the half-open session ends, and the log-in page stays locked for the same 15 minutes."""
    logout(request)
    return lockout_response(request)


def two_factor_enrol(request):
    """Set up an authenticator app: scan the QR code (or type the secret), then type its first code."""
    if two_factor.app_device(request.user) is not None:
        # Already enrolled: an administrator deletes the device to start again.
        return redirect("accounts:two_factor_verify" if not request.user.is_verified() else "accounts:two_factor")
    device = two_factor.device_to_enrol(request)
    form = EnrolmentForm(request.POST or None)
    if form.is_valid():
        try:
            confirmed = two_factor.verify_enrolment_code(device, form.cleaned_data["otp_token"])
        except two_factor.Throttled:
            form.add_error("otp_token", _("Too many wrong codes in a row: wait a minute, then type the new code."))
        else:
            if confirmed:
                codes = two_factor.confirm_enrolment(device)
                if codes is None:  # another session confirmed its app first: that app's code is asked
                    return redirect("accounts:two_factor_verify")
                two_factor.mark_verified(request, device)
                return _show_recovery_codes(request, codes, next_url=_next_url(request))
            form.add_error(
                "otp_token", _("This code is not the one the app shows. Check the phone's time and try again.")
            )
    context = {
        "form": form,
        "qr_code": two_factor.qr_code_data_uri(device),
        "secret": two_factor.secret_for_typing(device),
        "required": two_factor.is_required(request.user),
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


def two_factor_overview(request):
    """The user menu's page: whether this account uses a code, and how many recovery codes are left."""
    enrolled = two_factor.app_device(request.user) is not None
    context = {
        "enrolled": enrolled,
        "required": two_factor.is_required(request.user),
        "recovery_codes_left": two_factor.recovery_codes_left(request.user) if enrolled else 0,
    }
    return render(request, "accounts/two_factor.html", context)


@require_POST
def new_recovery_codes(request):
    """Fresh recovery codes replace the old ones; only from a session verified with a code."""
    if not request.user.is_verified():
        raise PermissionDenied
    return _show_recovery_codes(request, two_factor.replace_recovery_codes(request.user), next_url=None)


def _show_recovery_codes(request, codes, *, next_url):
    """Shown once, in the answer to the POST that made them: they are never displayed again."""
    return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes, "next": next_url})


@require_GET
def keep_alive(request):
    """Pinged by "Stay signed in": the request itself renews the session (SESSION_SAVE_EVERY_REQUEST),
    so there is nothing to answer. Signed-in users only (LoginRequiredMiddleware sends others to log in)."""
    return HttpResponse(status=204)
