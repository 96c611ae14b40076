"""Content negotiation: DRF's, with the everyday request answered without parsing."""

from __future__ import annotations

from collections.abc import Iterable

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation. A view with one renderer, asked without a format and with no
    Accept header, `*/*` or exactly the renderer's media type, gets what DRF would answer
    (the renderer and its media type) without DRF parsing and ranking the header; every
    other request goes through DRF (the tests compare both)."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        if len(renderers) == 1 and not format_suffix:
            renderer = renderers[0]
            accept = request.META.get("HTTP_ACCEPT", "*/*")
            format_param = self.settings.URL_FORMAT_OVERRIDE
            asked_format = format_param and format_param in request.query_params
            if not asked_format and accept in ("*/*", renderer.media_type):
                return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)
