"""Shortcuts on every API request give exactly what DRF gives: the page parameters read
directly when they are plain numbers, pages iterated over their rows, and content
negotiation answered without parsing the everyday Accept header."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import Http404
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from core.negotiation import ContentNegotiation
from core.pagination import ListPaginator, PageParamsSerializer, page_params
from core.renderers import FastJSONRenderer
from tests.events.factories import store_local
from tests.scheduler.factories import ScheduleFactory

ApiAs = Callable[[User | None], APIClient]

VALUES = [
    None,
    "",
    "1",
    "7",
    "0007",
    "200",
    "9" * 30,
    "9" * 1000,
    "9" * 1001,
    "0",
    "-1",
    "+3",
    " 3",
    "3 ",
    "1.0",
    "1.5",
    "1e3",
    "x",
    "٣",  # an Arabic-Indic three: a digit to str.isdigit, not ASCII
    "\uff13",  # a fullwidth three
    "²",
]


def _serializer_answer(given: dict[str, str | None]) -> Any:
    present = {name: value for name, value in given.items() if value not in (None, "")}
    params = PageParamsSerializer(data=present)
    if params.is_valid():
        return ("ok", dict(params.validated_data))
    return ("error", {name: [str(e) for e in errors] for name, errors in params.errors.items()})


def _shortcut_answer(given: dict[str, str | None]) -> Any:
    try:
        return ("ok", page_params(given))
    except exceptions.ValidationError as error:
        detail: Any = error.detail
        return ("error", {name: [str(e) for e in errors] for name, errors in detail.items()})


@pytest.mark.parametrize("page", VALUES)
@pytest.mark.parametrize("size", ["50", "x", None])
def test_page_params_are_what_the_serializer_says(page: str | None, size: str | None) -> None:
    given = {"page": page, "page_size": size}
    assert _shortcut_answer(given) == _serializer_answer(given)


def test_a_page_iterates_over_its_rows_once() -> None:
    reads: list[slice] = []

    class Rows(list[int]):
        def __getitem__(self, index: Any) -> Any:
            reads.append(index)
            return super().__getitem__(index)

    page = ListPaginator(Rows(range(10)), 4).page(2)
    assert list(page) == [4, 5, 6, 7]
    assert list(page) == [4, 5, 6, 7]
    assert page[1] == 5
    assert len(page) == 4
    assert reads == [slice(4, 8)]
    assert list(Paginator(list(range(10)), 4).page(2)) == list(page)


def _request(accept: str | None, query: str = "") -> Request:
    headers: dict[str, Any] = {} if accept is None else {"HTTP_ACCEPT": accept}
    return Request(APIRequestFactory().get(f"/api/v1/schedules/{query}", **headers))


def _answer(negotiation: Any, request: Request, renderers: list[Any]) -> Any:
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers)
    except (exceptions.NotAcceptable, Http404) as error:
        return type(error).__name__
    return (type(renderer), media_type)


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        "application/json; indent=4",
        "application/json;q=0.5",
        "application/*",
        "text/html",
        "text/html, */*;q=0.1",
        "image/png",
        "",
        "APPLICATION/JSON",
    ],
)
@pytest.mark.parametrize("query", ["", "?format=json", "?format=api", "?format="])
@pytest.mark.parametrize(
    "renderer_classes",
    [[FastJSONRenderer], [JSONRenderer, BrowsableAPIRenderer]],
    ids=["one renderer", "two renderers"],
)
def test_negotiation_answers_as_drf(
    accept: str | None, query: str, renderer_classes: list[type[Any]]
) -> None:
    renderers = [cls() for cls in renderer_classes]
    ours = _answer(ContentNegotiation(), _request(accept, query), renderers)
    drfs = _answer(DefaultContentNegotiation(), _request(accept, query), renderers)
    assert ours == drfs


@pytest.mark.django_db
def test_an_api_list_still_refuses_what_it_cannot_write(api_as: ApiAs, reader_user: User) -> None:
    ScheduleFactory.create(start=store_local(2026, 12, 15, 10, 45))
    client = api_as(reader_user)
    assert client.get("/api/v1/schedules/", HTTP_ACCEPT="application/json").status_code == 200
    refused = client.get("/api/v1/schedules/", HTTP_ACCEPT="text/html")
    assert refused.status_code == 406
    assert refused["Content-Type"] == "application/problem+json"
