from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy

from accounts.forms import ThrottledPasswordChangeForm

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
