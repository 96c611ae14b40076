"""Who is calling: the client IP (trusting proxies only as configured) and user agent."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from sessions_ext.models import USER_AGENT_MAX_LENGTH


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The caller's IP address.

    With TRUSTED_PROXY_COUNT = 0 (the default) X-Forwarded-For is ignored: anyone can
    send it. Behind N trusted proxies the client is the N-th address from the right
    of X-Forwarded-For, the one the outermost trusted proxy saw. Also used by
    django-axes, so lockouts and session records agree on who the client is.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [p for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p]
        if len(forwarded) >= proxies:
            ip = _valid_ip(forwarded[-proxies])
            if ip:
                return ip
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def user_agent(request: HttpRequest) -> str:
    """The User-Agent header, stripped of control characters and cut to fit."""
    raw = request.META.get("HTTP_USER_AGENT", "")
    cleaned = "".join(ch for ch in raw if ch.isprintable())
    return cleaned[:USER_AGENT_MAX_LENGTH]


def describe_user_agent(agent: str) -> str:
    """A short human label such as "Firefox on Windows" for the sessions page."""
    browsers = (
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
        ("python-requests", "Python script"),
        ("python-httpx", "Python script"),
    )
    systems = (
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    )
    browser = next((name for token, name in browsers if token in agent), "")
    system = next((name for token, name in systems if token in agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown device"
