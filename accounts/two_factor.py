"""Two-factor log-in (django-otp): who needs it, the devices, and the step a signed-in user still owes.

A user proves the second factor with a code from an authenticator app (a TOTP device) or, once
each, with a recovery code (the codes of a static device). Verification lasts for the session.
"""

from base64 import b32encode
from datetime import timedelta

import segno
from axes.helpers import get_client_ip_address
from axes.utils import reset as reset_axes
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.middleware.csrf import rotate_token
from django.utils import timezone
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

RECOVERY_CODE_COUNT = 10
# The unconfirmed device this session is setting up: each session scans a secret of its own.
PENDING_DEVICE_SESSION_KEY = "idmaj_two_factor_pending_device"
# Set-ups abandoned this long ago belong to sessions long expired (30 minutes idle).
ABANDONED_SET_UP_AGE = timedelta(days=1)


class Throttled(Exception):
    """django-otp refuses to check any code for a moment after wrong ones (exponential back-off)."""


def is_required(user) -> bool:
    return settings.IDMAJ_REQUIRE_TWO_FACTOR and user.must_use_two_factor


def app_device(user, *, confirmed=True) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=confirmed).first()


def is_enrolled(user) -> bool:
    # Asked afresh on each request of a session not yet verified (one indexed query): a session
    # must meet the code step as soon as another session of the user confirms an app.
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def pending_step(request) -> str | None:
    """The URL name of the page this request's user must pass first, or None.

    Whoever has an app is asked for its code (even where not required); whoever must use one
    and has none enrols first.
    """
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if is_enrolled(user):
        return "accounts:two_factor_verify"
    if is_required(user):
        return "accounts:two_factor_enrol"
    return None


def device_to_enrol(request) -> TOTPDevice:
    """This session's unconfirmed device: the same secret on every reload, never another session's.

    Whoever opened the set-up page elsewhere (someone else with the password, say) holds a
    different secret, which dies when any session confirms its app.
    """
    pk = request.session.get(PENDING_DEVICE_SESSION_KEY)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False, pk=pk).first() if pk else None
    if device is None:
        TOTPDevice.objects.filter(
            user=request.user, confirmed=False, created_at__lt=timezone.now() - ABANDONED_SET_UP_AGE
        ).delete()
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
        request.session[PENDING_DEVICE_SESSION_KEY] = device.pk
    return device


def confirm_enrolment(device: TOTPDevice) -> list[str] | None:
    """Make `device` the user's only app and give them fresh recovery codes (returned once).

    None when another session confirmed an app first: the first confirmed stays the only one.
    """
    with transaction.atomic():
        # Lock the user: two sessions typing a right code at once must not both confirm.
        User.objects.select_for_update().get(pk=device.user_id)
        others = TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk)
        if others.filter(confirmed=True).exists() or not TOTPDevice.objects.filter(pk=device.pk).exists():
            TOTPDevice.objects.filter(pk=device.pk).delete()
            return None
        # Every other pending set-up (other sessions' secrets) stops counting.
        others.delete()
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
    request.session.pop(PENDING_DEVICE_SESSION_KEY, None)
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
