from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` skip, with the reason, on the embedded SQLite default."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def staff_user(db: None) -> User:
    return User.objects.create_superuser("office", "office@example.com", "office-pass-123")


@pytest.fixture
def staff_client(client: Client, staff_user: User) -> Client:
    client.force_login(staff_user)
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    """Real hashing costs ~0.3 s a password; tests only need it to be a hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def manager_user(db: None) -> User:
    from core.roles import MANAGER_GROUP

    user = User.objects.create_user("manager", "manager@example.com", "manager-pass-123")
    user.groups.add(Group.objects.get(name=MANAGER_GROUP))
    return user


@pytest.fixture
def reader_user(db: None) -> User:
    return User.objects.create_user("reader", "reader@example.com", "reader-pass-123")


@pytest.fixture
def api_as() -> Callable[[User | None], APIClient]:
    """An API client signed in (by session) as the given user, or anonymous."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def page_cache(settings: pytest.FixtureRequest) -> Iterator[None]:
    """The API page cache on (tests run with it off), empty before and after.

    Use it with `django_db(transaction=True)`: on PostgreSQL the data version moves when
    a transaction commits, as every request's does in production.
    """
    from django.core.cache import caches

    from core.page_cache import CACHE_ALIAS

    settings.API_PAGE_CACHE_SECONDS = 300  # type: ignore[attr-defined]
    caches[CACHE_ALIAS].clear()
    yield
    caches[CACHE_ALIAS].clear()
