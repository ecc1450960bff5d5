"""The second sign-in step: a time-based code from an authenticator app (django-otp's TOTP
device), or one of ten recovery codes (its static device), each code accepted once.

State staff, district administrators and agency supervisors must pass it; everyone else may set
it up and, once they have, must pass it too. A session that passed it holds the device's id
(`django_otp.DEVICE_ID_SESSION_KEY`): that is checked from the session alone, so pages pay no
query for it.
"""

import base64
import io
import time

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .models import AuditLog
from .roles import Role

# Those who handle the most sensitive records: every district's, or a district's or agency's
# whole set of arrests and complaints.
REQUIRED_ROLES = frozenset({Role.STATE_STAFF, Role.DISTRICT_ADMIN, Role.AGENCY_SUPERVISOR})
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def is_required(user) -> bool:
    return user.scope.has_any(REQUIRED_ROLES)


def is_verified(request) -> bool:
    """Whether this session passed the second step."""
    return bool(request.session.get(django_otp.DEVICE_ID_SESSION_KEY))


def app_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_step(request) -> str | None:
    """The page a signed-in session must pass before any other: "verify" (it has a device),
    "setup" (its role requires one and it has none) or None."""
    user = request.user
    if not user.is_authenticated or is_verified(request):
        return None
    if has_device(user):
        return "verify"
    return "setup" if is_required(user) else None


def new_key() -> str:
    return TOTPDevice._meta.get_field("key").get_default()


def secret_of(key: str) -> str:
    """The key as authenticator apps take it when typed in: base32, in groups of four."""
    secret = base64.b32encode(bytes.fromhex(key)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(text: str) -> str:
    """An SVG QR code of `text`, inline as a data: URI (the policy allows data: images), so the
    key never travels in a URL of its own."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def unsaved_app_device(user, key: str) -> TOTPDevice:
    return TOTPDevice(user=user, key=key, name=APP_DEVICE_NAME, confirmed=False)


def matching_step(device: TOTPDevice, code: str) -> int | None:
    """The time step at which `code` is the device's code, within its tolerance, or None."""
    if not (code.isdigit() and len(code) == device.digits):
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.t() if totp.verify(int(code), device.tolerance) else None


@transaction.atomic
def confirm_app_device(*, user, key: str, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Keep the app whose key is `key` once it has shown it knows the key (`code`), replacing
    any earlier app and recovery codes; returns the device and the new recovery codes."""
    device = unsaved_app_device(user, key)
    step = matching_step(device, code)
    if step is None:
        return None
    TOTPDevice.objects.filter(user=user).delete()
    # The code just typed is spent: it cannot pass the second step as well.
    device.last_t = step
    device.confirmed = True
    device.save()
    return device, new_recovery_codes(user=user)


@transaction.atomic
def new_recovery_codes(*, user) -> list[str]:
    """Ten fresh recovery codes; the earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def second_step_reset(*, actor, user) -> int:
    """State staff remove a person's authenticator app and recovery codes (a lost phone and lost
    codes): at their next sign-in they set up a new app. Audited; returns the devices removed.
    Confirm who is asking by another channel first: until the new app is set up, the password
    alone reaches the setup page."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    audit_record(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        instance=user,
        detail={"second_step": "reset", "devices_removed": removed},
    )
    return removed


def check_code(user, code: str):
    """The device that accepts `code` (spending it), or None. A code of digits is the app's; a
    recovery code is letters and digits."""
    code = "".join(code.split()).lower()
    device = app_device(user) if code.isdigit() else recovery_device(user)
    if device is None:
        return None
    return django_otp.verify_token(user, device.persistent_id, code)


def current_code(device: TOTPDevice) -> str:
    """The app's code at this moment, as an authenticator would show it (development only)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
