"""API token authentication (knox), without the per-request sweep of the user's tokens,
reading the token with its user in one query compiled once per process."""

from __future__ import annotations

import binascii
import functools
from hmac import compare_digest
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model
from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken, get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions

from core.statements import CompiledRows

# The user's one-to-one link read with them (`Employee.user`'s accessor; core names it and
# imports no app above it): the employee-role check (`core.roles`) then costs nothing.
USER_LINK = "employee"


class TokenRead:
    """The tokens with a given key, each with its user and the user's employee link, as
    model instances, from one query whose SQL is compiled once.

    What `filter(token_key=key).select_related("user", "user__employee")` gives (the
    tests compare both), without building and compiling that query on every API call:
    the SQL is compiled with a placeholder key and run with the one presented.
    """

    PLACEHOLDER = "token-key-placeholder"

    def __init__(self, alias: str = DEFAULT_DB_ALIAS) -> None:
        token_model = get_token_model()
        user_model = token_model._meta.get_field("user").related_model
        self.link = user_model._meta.get_field(USER_LINK)
        self.token_user = token_model._meta.get_field("user")
        # Each model with its columns and where its primary key is among them.
        self.models: list[tuple[type[Model], list[str], int]] = []
        for model in (token_model, user_model, self.link.related_model):
            attnames = [field.attname for field in model._meta.concrete_fields]
            self.models.append((model, attnames, attnames.index(model._meta.pk.attname)))
        prefixes = ("", "user__", f"user__{USER_LINK}__")
        names = [
            prefix + name
            for prefix, (_model, attnames, _pk) in zip(prefixes, self.models, strict=True)
            for name in attnames
        ]
        queryset = token_model._default_manager.using(alias).filter(token_key=self.PLACEHOLDER)
        statement = CompiledRows.of(queryset.values_list(*names))
        if statement is None or statement.params != (self.PLACEHOLDER,):
            raise ImproperlyConfigured("The API token query did not compile to one key parameter.")
        self.statement = statement
        self.alias = alias

    def tokens(self, key: str) -> list[Any]:
        found = []
        for row in self.statement.bind((key,)).run():
            token, user, linked = self._instances(row)
            self.token_user.set_cached_value(token, user)
            self.link.set_cached_value(user, linked)
            if linked is not None:
                self.link.remote_field.set_cached_value(linked, user)
            found.append(token)
        return found

    def _instances(self, row: tuple[Any, ...]) -> list[Any]:
        made: list[Any] = []
        start = 0
        for model, attnames, pk in self.models:
            values = row[start : start + len(attnames)]
            start += len(attnames)
            # No employee link: the outer join gives NULL in every column, the key too.
            made.append(None if values[pk] is None else model.from_db(self.alias, attnames, values))
        return made


@functools.cache
def token_read() -> TokenRead:
    """This process's compiled token query (compiled at its first use)."""
    return TokenRead()


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
        try:
            text = token.decode("utf-8")
        except UnicodeDecodeError:  # the header's bytes are not a token knox makes
            raise exceptions.AuthenticationFailed(msg) from None
        if not (text.isascii() and text.isprintable()):
            # knox writes printable ASCII (hex); a NUL would not even reach PostgreSQL.
            raise exceptions.AuthenticationFailed(msg)
        for auth_token in token_read().tokens(text[: CONSTANTS.TOKEN_KEY_LENGTH]):
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
