"""API token authentication (knox), without the per-request sweep of the user's tokens."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken
from knox.signals import token_expired


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token check, looking only at the token presented.

    knox also loads every other token of the user on each request to delete the expired
    ones: a query per API call. Expired tokens are refused here all the same and are
    deleted in bulk by `manage.py cleanup_sessions` (`tokens_delete_expired`).
    """

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
