"""Portal sign-in over the API: ask for an SMS code, send it back, see or end the session.

Managers and staff only; each acts on the caller's own portal session. Errors are
problem details (a wrong code 400 `edr_code_refused`, the portal down 502).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.features import require
from core.roles import is_manager
from paperwork.selectors import portal_session_of
from paperwork.services import portal_session_end, portal_sign_in_start, portal_sign_in_verify


class IsManager(BasePermission):
    message = "Only staff and managers may use the retailer portal."

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_manager(request.user)


class CodeSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=10)


SessionSerializer = inline_serializer(
    "PortalSession",
    fields={
        "state": serializers.ChoiceField(choices=["none", "awaiting_code", "active"]),
        "expires_at": serializers.DateTimeField(allow_null=True),
    },
)

PERMISSIONS: list[type[BasePermission]] = [IsAuthenticated, IsManager]


def _session_body(user: Any) -> dict[str, Any]:
    session = portal_session_of(user)
    if session is None:
        return {"state": "none", "expires_at": None}
    return {"state": session.state, "expires_at": session.expires_at}


class PortalCodeView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(
        request=None,
        responses={202: SessionSerializer},
        summary="Text a sign-in code",
        description="Signs the portal account in and has the portal text a one-time code. "
        "400 `edr_disabled` while EDR_ENABLED is off; 502 `external_api_error` when the "
        "portal fails.",
    )
    def post(self, request: Request) -> Response:
        # In the handlers, not as a permission class: an undeclared method stays a 405.
        require("edr")
        portal_sign_in_start(user=request.user)
        return Response(_session_body(request.user), status=status.HTTP_202_ACCEPTED)


class PortalSessionView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(responses={200: SessionSerializer}, summary="My portal session")
    def get(self, request: Request) -> Response:
        require("edr")
        return Response(_session_body(request.user))

    @extend_schema(
        request=CodeSerializer,
        responses={200: SessionSerializer},
        summary="Send the code",
        description="400 `edr_code_refused` for a wrong code, `edr_no_code_sent` when no "
        "code is waiting; on success the caller's own portal session is stored.",
    )
    def post(self, request: Request) -> Response:
        require("edr")
        serializer = CodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        portal_sign_in_verify(user=request.user, code=serializer.validated_data["code"])
        return Response(_session_body(request.user))

    @extend_schema(request=None, responses={204: None}, summary="Sign out of the portal")
    def delete(self, request: Request) -> Response:
        require("edr")
        portal_session_end(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
