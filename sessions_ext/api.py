"""Sign-in, sign-out and session management for API clients (README, Errors and Sign-in)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSet

from core.exceptions import InvalidInputError
from core.parsers import JSONParser
from sessions_ext.selectors import session_list_for_user
from sessions_ext.serializers import (
    LoginSerializer,
    PasswordSerializer,
    UserSerializer,
    UserSessionSerializer,
)
from sessions_ext.services import session_revoke, session_revoke_others


class LoginView(APIView):
    """POST {username, password}: start a session (always under a new key).

    JSON only, so a cross-site form cannot sign a browser in (login CSRF). Repeated
    failures for one username or one IP answer 429 with Retry-After (django-axes).
    """

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(summary="Sign in", auth=[], request=LoginSerializer, responses=UserSerializer)
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(django_request, **serializer.validated_data)
        if user is None:
            raise InvalidInputError(
                "The username or password is not correct.", code="invalid_credentials"
            )
        login(django_request, user)
        return Response(UserSerializer(user).data)


class LogoutView(APIView):
    """POST: end the current session and delete its row."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Sign out", request=None, responses={204: OpenApiResponse(description="Signed out")}
    )
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="The signed-in user", responses=UserSerializer)
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)


class SessionViewSet(ViewSet):
    """The signed-in user's own sessions: list, revoke one, revoke all the others."""

    permission_classes = [IsAuthenticated]
    # DELETE reads {"password": …}: ending a session asks for the password again.
    delete_takes_body = True
    lookup_field = "public_id"
    # Exactly a UUID as this API writes it. The looser "[0-9a-f-]{36}", also the schema's
    # pattern, let "----…" through to the lookup, which then failed as a 400; now any
    # other id misses the route and is a 404 like every unknown address.
    lookup_value_regex = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

    def _context(self, request: Request) -> dict[str, Any]:
        return {"current_session_key": request.session.session_key}

    @extend_schema(summary="My live sessions", responses=UserSessionSerializer(many=True))
    def list(self, request: Request) -> Response:
        sessions = session_list_for_user(user=request.user)
        return Response(
            UserSessionSerializer(sessions, many=True, context=self._context(request)).data
        )

    @extend_schema(
        summary="Sign out one of my sessions",
        description=(
            "Asks for the password again (JSON `password`), counted with the sign-in "
            "failures: a wrong one is a 400 `wrong_password` on `password`; past the limit, "
            "429 with Retry-After."
        ),
        request=PasswordSerializer,
        responses={204: OpenApiResponse(description="Signed out")},
    )
    def destroy(self, request: Request, public_id: str) -> Response:
        serializer = PasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session_revoke(
            request=request._request,
            user=request.user,
            password=serializer.validated_data["password"],
            public_id=public_id,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Sign out all my other sessions",
        description=(
            "Asks for the password again, counted with the sign-in failures: a wrong one is "
            "a 400 `wrong_password` on `password`; past the limit, 429 with Retry-After."
        ),
        request=PasswordSerializer,
        responses=inline_serializer("RevokedSessions", {"revoked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="revoke-others")
    def revoke_others(self, request: Request) -> Response:
        serializer = PasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        revoked = session_revoke_others(
            request=request._request,
            user=request.user,  # type: ignore[arg-type]
            password=serializer.validated_data["password"],
            current_session_key=request.session.session_key,
        )
        return Response({"revoked": revoked})
