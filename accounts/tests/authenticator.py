"""
What a member's authenticator app shows, for tests of two-step verification: the code is computed
with pyotp (RFC 6238), independent of allauth, as a phone app computes it from the key it was given.
"""

import time

import pyotp
from allauth.mfa import app_settings as mfa_settings


def authenticator_code(secret: str, *, margin: float = 2.0) -> str:
    """
    The code shown now for ``secret`` (base32). When the current period ends within ``margin``
    seconds it waits for the next one, so the code is still valid when the server checks it.
    """
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < margin:
        time.sleep(left + 0.1)
    return pyotp.TOTP(secret, digits=mfa_settings.TOTP_DIGITS, interval=period).now()
