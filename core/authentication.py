"""API token authentication (knox), without the per-request sweep of the user's tokens."""

from __future__ import annotations

import binascii
from hmac import compare_digest
from typing import Any

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken, get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token check, looking only at the token presented.

    knox also loads every other token of the user on each request to delete the expired
    ones: a query per API call. Expired tokens are refused here all the same and are
    deleted in bulk by `manage.py cleanup_sessions` (`tokens_delete_expired`).
    """

    def authenticate_credentials(self, token: bytes) -> Any:
        """knox's own check, loading the user with their employee link in the same
        query (the employee role, `core.roles`, then costs nothing)."""
        msg = "Invalid token."
        text = token.decode("utf-8")
        rows = (
            get_token_model()
            .objects.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user", "user__employee")
        )
        for auth_token in rows:
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(text)
            except (TypeError, binascii.Error):
                raise exceptions.AuthenticationFailed(msg) from None
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(msg)

    def _cleanup_token(self, auth_token: Any) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


def tokens_delete_expired() -> int:
    """Delete every expired API token; returns how many went."""
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return int(deleted)


def tokens_end_for_user(*, user: Any) -> int:
    """Delete every API token of `user` (a password change, a deactivation)."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return int(deleted)
