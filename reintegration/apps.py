"""Third-party apps under names the admin can translate (listed in INSTALLED_APPS instead of theirs).

django-axes, django-otp's plugins and django-tasks-db give their apps an English name, or none
(the admin then shows "Otp_Totp"), and mark it for no translation. django-otp 1.7 marks none of
its model, field or help texts either: they are given here as lazy translations of the very same
English text, so `makemigrations` (which runs untranslated) sees no change, and the project's
catalog translates them (makemessages finds them here).
"""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Log-in attempts")


class TasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")


# django-otp's texts, by field: (verbose name, help text). The help texts are django-otp's own.
OTP_DEVICE_FIELDS = {
    "user": (_("user"), _("The user that this device belongs to.")),
    "name": (_("name"), _("The human-readable name of this device.")),
    "confirmed": (_("confirmed"), _("Is this device ready for use?")),
    "created_at": (_("created at"), _("The date and time when this device was initially created in the system.")),
    "last_used_at": (_("last used at"), _("The most recent date and time this device was used.")),
    "throttling_failure_timestamp": (
        _("throttling failure timestamp"),
        _("A timestamp of the last failed verification attempt. Null if last attempt succeeded."),
    ),
    "throttling_failure_count": (_("throttling failure count"), _("Number of successive failed attempts.")),
    "key": (_("key"), _("A hex-encoded secret key of up to 40 bytes.")),
    "step": (_("step"), _("The time step in seconds.")),
    "t0": (_("t0"), _("The Unix time at which to begin counting steps.")),
    "digits": (_("digits"), _("The number of digits to expect in a token.")),
    "tolerance": (_("tolerance"), _("The number of time steps in the past or future to allow.")),
    "drift": (_("drift"), _("The number of time steps the prover is known to deviate from our clock.")),
    "last_t": (
        _("last t"),
        _("The t value of the latest verified token. The next token must be at a higher time step."),
    ),
    "token": (_("token"), None),
}


def translate_otp_model(model, verbose_name, verbose_name_plural):
    # Only the runtime options change: migrations read Meta's original attributes and the fields'
    # explicit `_verbose_name`, so `makemigrations --check` stays quiet.
    model._meta.verbose_name = verbose_name
    model._meta.verbose_name_plural = verbose_name_plural
    for field in model._meta.concrete_fields:
        if field.name in OTP_DEVICE_FIELDS:
            field.verbose_name, help_text = OTP_DEVICE_FIELDS[field.name]
            if help_text is not None:
                field.help_text = help_text


class OTPTOTPConfig(AppConfig):
    name = "django_otp.plugins.otp_totp"
    default_auto_field = "django.db.models.AutoField"
    verbose_name = _("Authenticator apps")

    def ready(self):
        translate_otp_model(self.get_model("TOTPDevice"), _("TOTP device"), _("TOTP devices"))


class OTPStaticConfig(AppConfig):
    name = "django_otp.plugins.otp_static"
    default_auto_field = "django.db.models.AutoField"
    verbose_name = _("Recovery codes")

    def ready(self):
        translate_otp_model(self.get_model("StaticDevice"), _("static device"), _("static devices"))
        translate_otp_model(self.get_model("StaticToken"), _("static token"), _("static tokens"))
