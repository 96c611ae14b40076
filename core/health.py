"""Liveness for load balancers and the API-throughput baseline: one indexed query."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class HealthView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        # A primary-key lookup proves the database answers; the result does not matter.
        get_user_model().objects.filter(pk=1).exists()
        return Response({"status": "ok"})
