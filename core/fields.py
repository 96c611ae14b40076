"""Fields shared by the API's serializers and the pages' forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import BigIntegerField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.dates import FIRST_DAY, LAST_DAY, validate_day

# Primary keys are BigAutoFields (DEFAULT_AUTO_FIELD).
MAX_ID = BigIntegerField.MAX_BIGINT

RANGE_HELP = f"From {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()} (store-local days)."


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


# --- Dates in the accepted range (core.dates.validate_day) ------------------------------


class DayField(serializers.DateField):
    """An API date from FIRST_DAY to LAST_DAY; another is a 400 `out_of_range`."""

    default_validators = [validate_day]


class MomentField(serializers.DateTimeField):
    """An API date-time whose store-local day is from FIRST_DAY to LAST_DAY.

    Checked before DRF moves it into the store's zone, so a moment that cannot be moved
    (`0001-01-01T00:00:00+14:00`) is the same `out_of_range` as any other outside.
    """

    def enforce_timezone(self, value: dt.datetime) -> dt.datetime:
        try:
            validate_day(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages, code="out_of_range") from None
        return super().enforce_timezone(value)


class DayFormField(forms.DateField):
    """A page's date from FIRST_DAY to LAST_DAY; another is a form error."""

    default_validators = [validate_day]


# --- Row ids -----------------------------------------------------------------------------


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A row's id: a whole number from 1 to MAX_ID, then looked up.

    DRF's PrimaryKeyRelatedField hands any JSON number to the lookup: `1e999` (infinity)
    or `1.5` crashed it (OverflowError, a 500) or was rounded. Here the value is read as
    an integer first, so those are 400 `invalid` / `max_value` naming the field.
    """

    def to_internal_value(self, data: Any) -> Any:
        number = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        number.bind(self.field_name or "", self.parent)
        return super().to_internal_value(number.run_validation(data))
