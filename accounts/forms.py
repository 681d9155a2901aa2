from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The old password is checked by `authenticate()`, so axes counts a wrong one like a failed
    log-in (same user, same address): a locked account can't be brute-forced through this door."""

    def __init__(self, user, *args, request, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if authenticate(self.request, username=self.user.get_username(), password=old_password) is None:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class CodeForm(forms.Form):
    """A code from the authenticator app, or one of the recovery codes."""

    otp_token = forms.CharField(
        label=_("Code"),
        max_length=20,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "dir": "ltr", "class": "code-input"}
        ),
    )


class EnrolmentForm(forms.Form):
    """The first code the app shows, proving it holds the secret."""

    otp_token = forms.CharField(
        label=_("Code shown by the app"),
        max_length=10,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "dir": "ltr", "class": "code-input"}
        ),
    )
