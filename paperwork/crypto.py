"""Encryption at rest of the stored portal sessions (Fernet: AES-128-CBC + HMAC-SHA256).

The key is derived with HKDF-SHA256 from `EDR_SESSION_SECRET`, or from `SECRET_KEY`
when that is empty, so rotating either makes every stored portal session unreadable:
the managers simply sign in to the portal again.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_INFO = b"event-scheduler/paperwork/portal-session/v1"


class Undecryptable(Exception):
    """The stored value was written with another key, or was altered."""


def _fernet() -> Fernet:
    secret = (settings.EDR_SESSION_SECRET or settings.SECRET_KEY).encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def seal(data: dict[str, Any]) -> str:
    return _fernet().encrypt(json.dumps(data, separators=(",", ":")).encode()).decode()


def unseal(token: str) -> dict[str, Any]:
    try:
        value = json.loads(_fernet().decrypt(token.encode()))
    except (InvalidToken, ValueError) as exc:
        raise Undecryptable from exc
    if not isinstance(value, dict):
        raise Undecryptable
    return value
