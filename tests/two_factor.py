"""Helpers for tests that sign in: an authenticator app for a user, and its current code."""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sro_portal import two_factor

# A fixed key, so a failing test can be retraced with any authenticator app.
TEST_KEY = "3132333435363738393031323334353637383930"


def give_app(user) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(
        user=user,
        confirmed=True,
        defaults={"key": TEST_KEY, "name": two_factor.APP_DEVICE_NAME},
    )
    return device


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The app's code now, or `steps_ahead` periods of 30 seconds later."""
    device.drift += steps_ahead
    try:
        return two_factor.current_code(device)
    finally:
        device.drift -= steps_ahead


def unused_code(device: TOTPDevice) -> str | None:
    """A code the app accepts now that was not spent yet (a second sign-in within the same 30
    seconds takes the next period's, inside the tolerance), or None when none is left."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    ahead = max(0, device.last_t + 1 - now)
    return code_for(device, ahead) if ahead <= device.tolerance else None
