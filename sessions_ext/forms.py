from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest

from core.exceptions import InvalidInputError
from sessions_ext.services import password_recheck


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RecheckedPasswordChangeForm(PasswordChangeForm):
    """Django's password change, its old password checked like a sign-in: a wrong one
    counts towards the lockout, and past the limit the page answers 429."""

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        try:
            password_recheck(request=self.request, user=self.user, password=old_password)
        except InvalidInputError:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            ) from None
        return old_password
