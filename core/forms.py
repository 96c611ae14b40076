"""Form helpers shared by every app's pages."""

from __future__ import annotations

from django import forms


class AccessibleFormMixin:
    """Marks fields with errors `aria-invalid` and points them at their error text.

    Templates render a field's errors in an element with id `<field id>_error`.
    """

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self.mark_invalid_fields()

    def mark_invalid_fields(self) -> None:
        """Call again after adding errors outside `full_clean`."""
        form: forms.BaseForm = self  # type: ignore[assignment]
        for name in form.errors:
            if name in form.fields:
                attrs = form.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{form[name].auto_id}_error"
