"""Health checks for load balancers and orchestrators.

- Readiness, `GET /api/health/`: the database answers (one `SELECT 1`). 200
  `{"status": "ok"}`, or a 503 problem (`database_unavailable`) when it does not, so
  a balancer stops sending traffic to an instance that cannot serve it.
- Liveness, `GET /api/health/live/`: the process answers; no query, no session, no
  authentication, a fixed body. A restart policy watches this one: a database outage
  must not restart every instance.
"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import DatabaseUnavailableError

_HEALTH = inline_serializer("Health", {"status": serializers.CharField()})
_LIVE_BODY = b'{"status":"ok"}'


class HealthView(APIView):
    """Readiness: the database answers."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Readiness check (the database answers)",
        auth=[],
        responses={
            200: _HEALTH,
            503: OpenApiResponse(description="The database is not reachable (a problem)."),
        },
    )
    def get(self, request: Request) -> Response:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError as exc:
            raise DatabaseUnavailableError() from exc
        return Response({"status": "ok"})


@require_safe
def liveness(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. A plain view with a constant body (no DRF, no
    query), so that it costs as little as a request through the middleware can."""
    return HttpResponse(_LIVE_BODY, content_type="application/json")
