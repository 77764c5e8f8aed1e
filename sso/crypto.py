"""Client secrets are kept encrypted (Fernet: AES-128-CBC with an HMAC) with SSO_SECRET_KEY, or, when that
is not set, a key derived from SECRET_KEY. Only the sign-in flow decrypts them; no page shows them."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet() -> Fernet:
    key = settings.SSO_SECRET_KEY
    if not key:
        key = base64.urlsafe_b64encode(hashlib.sha256(b"sso-secret:" + settings.SECRET_KEY.encode()).digest())
    try:
        return Fernet(key)
    except ValueError as error:
        raise ImproperlyConfigured("SSO_SECRET_KEY must be a Fernet key (32 url-safe base64-encoded bytes)") from error


def secret_encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def secret_decrypt(token: str) -> str:
    """The secret, or "" if it was encrypted with another key (single sign-on then fails at the provider,
    and the administrator enters the secret again)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
