"""Views that raise each kind of error, mounted by tests/core/urls.py for the error tests."""

from __future__ import annotations

from typing import Any

from django.core import exceptions as django_exceptions
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import exceptions as app
from core.features import FeatureRequired, require_feature
from tests.employees.factories import EmployeeFactory

SECRET_TEXT = "s3cr3t-exception-text /srv/app/settings.py SELECT password FROM"


class ItemSerializer(serializers.Serializer[Any]):
    start = serializers.DateTimeField()


class OrderSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=5)
    items = ItemSerializer(many=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["name"] == "clash":
            raise serializers.ValidationError("Name and items disagree.")
        return attrs


def _raise_duplicate() -> None:
    EmployeeFactory.create(external_id="US999999")
    EmployeeFactory.create(external_id="US999999")


RAISERS: dict[str, Any] = {
    "app-invalid": lambda: app.InvalidInputError("Start is not a slot time."),
    "app-unauthenticated": lambda: app.NotAuthenticatedError(),
    "app-forbidden": lambda: app.ForbiddenError(),
    "app-not-found": lambda: app.NotFoundError("No event #12."),
    "app-conflict": lambda: app.ConflictError("Already scheduled."),
    "app-sync-disabled": lambda: app.SyncDisabledError(),
    "app-configuration": lambda: app.ConfigurationError("Missing SYNC_PASSWORD."),
    "app-database": lambda: app.DatabaseFailureError(),
    "app-external": lambda: app.ExternalAPIError("Planning system answered 503."),
    "drf-not-found": lambda: drf_exceptions.NotFound(),
    "drf-permission": lambda: drf_exceptions.PermissionDenied(),
    "drf-throttled": lambda: drf_exceptions.Throttled(wait=41.2),
    "django-404": lambda: Http404("No such thing"),
    "django-403": lambda: django_exceptions.PermissionDenied(),
    "django-validation": lambda: django_exceptions.ValidationError(
        {"start": ["Outside the window."], "__all__": ["Not allowed."]}
    ),
    "integrity": lambda: IntegrityError(SECRET_TEXT),
    "unexpected": lambda: RuntimeError(SECRET_TEXT),
    "suspicious": lambda: django_exceptions.SuspiciousOperation(SECRET_TEXT),
}


def raise_kind(kind: str) -> None:
    if kind == "integrity-real":
        _raise_duplicate()
    raise RAISERS[kind]()


class RaiseView(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request, kind: str) -> Response:
        raise_kind(kind)
        return Response({})  # pragma: no cover


class OrderView(APIView):
    """Parses a JSON body: for parse, media-type, size and nested validation errors."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})

    def post(self, request: Request) -> Response:
        serializer = OrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"ok": True}, status=201)


class PrivateView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class SyncView(APIView):
    permission_classes = [AllowAny, FeatureRequired("sync")]

    def get(self, request: Request) -> Response:
        return Response({"synced": True})


def page_raise(request: HttpRequest, kind: str) -> HttpResponse:
    raise_kind(kind)
    return HttpResponse("unreachable")  # pragma: no cover


@require_feature("sync")
def sync_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("sync page")
