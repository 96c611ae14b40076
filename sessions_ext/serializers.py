from __future__ import annotations

from typing import Any

from rest_framework import serializers

from sessions_ext.client import describe_user_agent
from sessions_ext.models import UserSession


class UserSessionSerializer(serializers.ModelSerializer[UserSession]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    device = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField(source="expire_date", read_only=True)

    class Meta:
        model = UserSession
        fields = [
            "id",
            "device",
            "user_agent",
            "ip_address",
            "created_at",
            "last_activity",
            "expires_at",
            "current",
        ]
        read_only_fields = fields

    def get_device(self, obj: UserSession) -> str:
        return describe_user_agent(obj.user_agent)

    def get_current(self, obj: UserSession) -> bool:
        return bool(obj.session_key == self.context.get("current_session_key"))


class LoginSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class PasswordSerializer(serializers.Serializer[Any]):
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class UserSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    is_staff = serializers.BooleanField(read_only=True)
