"""OpenAPI (drf-spectacular): every operation documents its problem-details errors."""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
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


def _empty_means_absent(parameters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mark optional scalar query parameters `allowEmptyValue`, as the server reads them.

    django-filter, and `core.pagination` to match, take `?date_from=` or `?page=` as not
    given: the schema said a date or an integer was required there, so such a request was
    schema-invalid yet answered 200. (An empty value in a list parameter like
    `event_type` is refused as an invalid choice, as its `enum` says.)
    """
    for parameter in parameters:
        is_list = parameter.get("schema", {}).get("type") == "array"
        if parameter.get("in") == "query" and not parameter.get("required") and not is_list:
            parameter["allowEmptyValue"] = True
    return parameters


def _with_filter_limits(parameters: list[dict[str, Any]], view: Any) -> list[dict[str, Any]]:
    """Add a CharFilter's `max_length` as `maxLength`, which drf-spectacular leaves out.

    Without it `?store=` of 17 characters was schema-valid, yet refused with a 400.
    """
    filterset_class = getattr(view, "filterset_class", None)
    filters = getattr(filterset_class, "base_filters", {})
    for parameter in parameters:
        schema = parameter.get("schema", {})
        found = filters.get(parameter.get("name"))
        max_length = found.extra.get("max_length") if found is not None else None
        if max_length is not None and schema.get("type") == "string":
            schema["maxLength"] = max_length
    return parameters


class AutoSchema(openapi.AutoSchema):
    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        parameters = _with_filter_limits(super()._get_filter_parameters(), self.view)
        return _empty_means_absent(parameters)

    def _get_request_body(self, direction: str = "request") -> Any:
        """drf-spectacular documents bodies of PUT, PATCH and POST only; a view that reads
        one on DELETE says so with `delete_takes_body = True` (the password re-check
        before ending a session)."""
        if self.method == "DELETE" and getattr(self.view, "delete_takes_body", False):
            self.method = "POST"
            try:
                return super()._get_request_body(direction)
            finally:
                self.method = "DELETE"
        return super()._get_request_body(direction)

    def _get_pagination_parameters(self) -> list[dict[str, Any]]:
        return _empty_means_absent(super()._get_pagination_parameters())

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


class TokenScheme(KnoxTokenScheme):
    """Our knox subclass (core.authentication) documented as knox's own token scheme."""

    target_class = "core.authentication.TokenAuthentication"
