"""Serializer fields shared by the API's apps."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class BlankAsNullMixin:
    """A text column stored blank ("") when unknown is answered as null.

    An empty string is not a valid URL or email address, so a blank URLField or
    EmailField answered as "" broke the schema's `format`; null says "not known".
    Use with `allow_null=True`, which is what makes the schema say `nullable`.
    """

    def to_representation(self, value: Any) -> Any:
        if value in (None, ""):
            return None
        return super().to_representation(value)  # type: ignore[misc]


class BlankAsNullCharField(BlankAsNullMixin, serializers.CharField):
    pass


class BlankAsNullEmailField(BlankAsNullMixin, serializers.EmailField):
    pass


class BlankAsNullURLField(BlankAsNullMixin, serializers.URLField):
    pass
