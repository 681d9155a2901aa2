"""Two-factor log-in (django-otp): who needs it, the devices, and the step a signed-in user still owes.

A user proves the second factor with a code from an authenticator app (a TOTP device) or, once
each, with a recovery code (the codes of a static device). Verification lasts for the session.
"""

from base64 import b32encode

import segno
from axes.helpers import get_client_ip_address
from axes.utils import reset as reset_axes
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.middleware.csrf import rotate_token
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
# Every page asks whether the user has an app, and most users have none: ask the database once a session.
ENROLLED_SESSION_KEY = "idmaj_two_factor_enrolled"


class Throttled(Exception):
    """django-otp refuses to check any code for a moment after wrong ones (exponential back-off)."""


def is_required(user) -> bool:
    return settings.IDMAJ_REQUIRE_TWO_FACTOR and user.must_use_two_factor


def app_device(user, *, confirmed=True) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=confirmed).first()


def is_enrolled(request) -> bool:
    if ENROLLED_SESSION_KEY not in request.session:
        request.session[ENROLLED_SESSION_KEY] = app_device(request.user) is not None
    return request.session[ENROLLED_SESSION_KEY]


def forget_enrolment(request) -> None:
    """The cached answer is stale (an administrator deleted the app): ask the database again."""
    request.session.pop(ENROLLED_SESSION_KEY, None)


def pending_step(request) -> str | None:
    """The URL name of the page this request's user must pass first, or None.

    Whoever has an app is asked for its code (even where not required); whoever must use one
    and has none enrols first.
    """
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if is_enrolled(request):
        return "accounts:two_factor_verify"
    if is_required(user):
        return "accounts:two_factor_enrol"
    return None


def device_to_enrol(user) -> TOTPDevice:
    """The unconfirmed device being set up: the same secret on every reload until confirmed."""
    return app_device(user, confirmed=False) or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=False
    )


def confirm_enrolment(device: TOTPDevice) -> list[str]:
    """Make `device` the user's only app and give them fresh recovery codes (returned once)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return replace_recovery_codes(device.user)


def replace_recovery_codes(user) -> list[str]:
    """Old codes stop working; the new ones are shown once and stored as django-otp stores them."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        static.token_set.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def matching_device(user, code: str):
    """The device that accepts `code` (six digits: the app; otherwise a recovery code), or None.

    Raises Throttled while django-otp makes the user wait after wrong codes.
    """
    code = "".join(code.split()).lower()
    device = app_device(user) if code.isdigit() else StaticDevice.objects.devices_for_user(user).first()
    if device is None:
        return None
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise Throttled
    # verify_token locks the device row: two requests can't both spend one recovery code.
    return verify_token(user, device.persistent_id, code)


def verify_enrolment_code(device: TOTPDevice, code: str) -> bool:
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise Throttled
    return verify_token(device.user, device.persistent_id, "".join(code.split()))


def mark_verified(request, device) -> None:
    """The session now counts as two-factor verified; earlier wrong codes are forgiven."""
    otp_login(request, device)
    # A new session key and CSRF token for the new privilege, as login() does for the password step.
    request.session.cycle_key()
    rotate_token(request)
    request.session[ENROLLED_SESSION_KEY] = True
    reset_axes(ip=get_client_ip_address(request), username=request.user.get_username())


def record_failed_code(request) -> None:
    """A wrong code counts as a failed log-in for axes: the same lock as wrong passwords."""
    user_login_failed.send(sender=__name__, credentials={"username": request.user.get_username()}, request=request)


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG image in a data: URI (the CSP allows data: images, no inline style)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret as authenticator apps expect it typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
