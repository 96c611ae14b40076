"""The served OpenAPI schema is valid and says what the server does; the docs work offline."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from drf_spectacular.validation import validate_schema

from core.filters import MAX_ID

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def served() -> dict[str, Any]:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return dict(json.loads(response.content))


def parameters(schema: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    return {p["name"]: p for p in schema["paths"][path][method]["parameters"]}


def component(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return dict(schema["components"]["schemas"][name]["properties"])


def test_the_schema_generates_without_warnings_and_validates(tmp_path: Path) -> None:
    """drf-spectacular's own validation; any warning (an unguessable type) fails."""
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert out.read_text().startswith("openapi: 3.0")


def test_the_served_schema_is_valid_openapi_3(served: dict[str, Any]) -> None:
    validate_schema(served)  # the OpenAPI 3.0 JSON Schema; raises when invalid
    assert served["openapi"].startswith("3.0")
    assert any(path.startswith("/api/v1/") for path in served["paths"])


def test_every_operation_documents_its_problem_responses(served: dict[str, Any]) -> None:
    for path, operations in served["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "500"):
                content = operation["responses"][status]["content"]
                assert list(content) == [PROBLEM], (method, path, status)


def test_the_docs_page_renders_with_the_sidecar_assets_only() -> None:
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    static = f"/{settings.STATIC_URL.strip('/')}/"
    sidecar = f"{static}drf_spectacular_sidecar/swagger-ui-dist/"
    assert {Path(a).name for a in assets} >= {"swagger-ui.css", "swagger-ui-bundle.js"}
    # The set-up script comes from the page's own address (no inline script: CSP).
    script = "/api/docs/?script="
    assert script in assets
    for asset in [a for a in assets if a != script]:
        assert asset.startswith(sidecar) or asset == f"{static}css/swagger.css", asset
        assert finders.find(asset.removeprefix(static)), asset
    # Offline: nothing from a CDN or any other host.
    assert not re.search(r"https?://|//cdn|unpkg|jsdelivr|cdnjs", html)
    assert "<script>" not in html and "<style" not in html and "style=" not in html
    setup = Client().get(script)
    assert setup.status_code == 200
    assert setup["Content-Type"].startswith("application/javascript")
    assert 'url: "/api/schema/"' in setup.content.decode()


# --- the schema says what the server does (each of these was found by schemathesis) -----


def test_empty_scalar_query_values_are_documented_as_allowed(served: dict[str, Any]) -> None:
    """`?date_from=` or `?page=` counts as absent, so the schema allows an empty value."""
    events = parameters(served, "/api/v1/events/")
    for name in ("date_from", "date_to", "scheduled", "store", "search", "page", "page_size"):
        assert events[name]["allowEmptyValue"] is True, name
    # An empty value in a list parameter is an invalid choice, as its enum says.
    for name in ("event_type", "condition", "ordering"):
        assert "allowEmptyValue" not in events[name], name
    assert parameters(served, "/api/v1/schedules/")["employee"]["allowEmptyValue"] is True


def test_text_filters_document_their_max_length(served: dict[str, Any]) -> None:
    events = parameters(served, "/api/v1/events/")
    assert events["store"]["schema"] == {"type": "string", "maxLength": 16}
    assert events["search"]["schema"] == {"type": "string", "maxLength": 100}
    employees = parameters(served, "/api/v1/employees/")
    assert employees["search"]["schema"] == {"type": "string", "maxLength": 100}


def test_pagination_parameters_are_whole_numbers_from_one(served: dict[str, Any]) -> None:
    for path in ("/api/v1/employees/", "/api/v1/events/", "/api/v1/schedules/"):
        found = parameters(served, path)
        assert found["page"]["schema"] == {"type": "integer", "minimum": 1}
        assert found["page_size"]["schema"] == {"type": "integer", "minimum": 1}


def test_id_filters_are_bounded_integers(served: dict[str, Any]) -> None:
    """The schema said "number": `1.5` was taken as employee 1, 2**63 crashed (500)."""
    employee = parameters(served, "/api/v1/schedules/")["employee"]
    assert employee["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def test_blank_urls_and_contact_details_are_nullable(served: dict[str, Any]) -> None:
    """A blank URL or email was answered as "", which is no `uri` or `email`."""
    url = component(served, "Event")["sales_tool_url"]
    assert (url["type"], url["format"], url["nullable"]) == ("string", "uri", True)
    contact = component(served, "EmployeeContact")
    assert (contact["email"]["format"], contact["email"]["nullable"]) == ("email", True)
    assert contact["phone"]["nullable"] is True


def test_session_ids_in_paths_are_whole_uuids(served: dict[str, Any]) -> None:
    public_id = parameters(served, "/api/v1/sessions/{public_id}/", "delete")["public_id"]
    pattern = public_id["schema"]["pattern"]
    assert re.fullmatch(pattern, "0b5e4c8e-2f1a-4c3d-9e8f-1a2b3c4d5e6f")
    assert not re.fullmatch(pattern, "-" * 36)


def test_a_trade_takes_two_different_schedules(served: dict[str, Any]) -> None:
    schedules = component(served, "TradeRequest")["schedules"]
    assert (schedules["minItems"], schedules["maxItems"], schedules["uniqueItems"]) == (2, 2, True)


def test_candidates_take_a_date_time(served: dict[str, Any]) -> None:
    """It said "string": an empty `?start=` was schema-valid, then refused."""
    start = parameters(served, "/api/v1/events/{id}/candidates/")["start"]
    assert start["required"] is True
    assert start["schema"] == {"type": "string", "format": "date-time"}
