"""Forms of the paperwork pages and admin."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.conf import settings
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from events.types import EventType
from paperwork.models import PaperworkForm


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from the SMS",
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class PaperworkFormAdminForm(forms.ModelForm):
    """Upload of a company form: PDF only, size-capped, its page count read on upload."""

    upload = forms.FileField(
        label="PDF file",
        required=False,
        help_text="A PDF (the page count is read on upload). Leave empty to keep the current file.",
    )
    event_types = forms.MultipleChoiceField(
        label="Printed for", choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PaperworkForm
        fields = ["title", "event_types", "position", "is_active"]

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload is None:
            if not self.instance.pk:
                raise forms.ValidationError("Choose the form's PDF file.")
            return None
        limit = int(settings.PAPERWORK_FORM_MAX_BYTES)
        if upload.size > limit:
            raise forms.ValidationError(f"The file is larger than {limit // (1024 * 1024)} MB.")
        data = upload.read()
        if not data.startswith(b"%PDF"):
            raise forms.ValidationError("Only PDF files can be uploaded.")
        try:
            pages = len(PdfReader(io.BytesIO(data)).pages)
        except (PdfReadError, ValueError, KeyError):
            raise forms.ValidationError("The PDF cannot be read: it may be damaged.") from None
        if not pages:
            raise forms.ValidationError("The PDF has no pages.")
        return {"data": data, "name": upload.name[:200], "pages": pages}
