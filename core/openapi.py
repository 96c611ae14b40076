"""OpenAPI (drf-spectacular): every operation documents its problem-details errors."""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from rest_framework import serializers

from core.problems import PROBLEM_CONTENT_TYPE

# What any operation may answer, besides its success: bad input or query parameters,
# missing or refused credentials, unknown ids, a request body or Accept the API does not
# take, too many requests, and the server's own failures.
PROBLEM_STATUSES = ("400", "401", "403", "404", "406", "413", "415", "429", "500")


class ProblemErrorSerializer(serializers.Serializer[Any]):
    """One entry of `errors`: a field error, or a scheduling rule violation."""

    attr = serializers.CharField(
        required=False, allow_null=True, help_text="Field or parameter, dotted for nesting."
    )
    code = serializers.CharField(help_text="Stable machine-readable code.")
    detail = serializers.CharField(required=False, help_text="Human-readable message.")
    severity = serializers.ChoiceField(
        choices=["hard", "soft"], required=False, help_text="For rule violations."
    )
    message = serializers.CharField(required=False, help_text="For rule violations.")
    details = serializers.DictField(required=False, help_text="For rule violations.")


class ProblemSerializer(serializers.Serializer[Any]):
    """RFC 9457 problem details, as every error of this API is answered."""

    type = serializers.CharField(help_text="URI reference naming the problem type.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="Stable machine-readable code.")
    error_id = serializers.CharField(help_text="Quote it when reporting; it is in our logs.")
    instance = serializers.CharField(required=False, help_text="The request path.")
    errors = ProblemErrorSerializer(many=True, required=False)  # type: ignore[assignment]


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in PROBLEM_STATUSES:
            responses.setdefault(
                status,
                self._get_response_for_code(
                    ProblemSerializer,
                    status,
                    media_types=[PROBLEM_CONTENT_TYPE],
                    direction=direction,
                ),
            )
        return responses
