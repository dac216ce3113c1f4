"""/healthz tells a load balancer whether this node can serve, and what is down."""

import pytest
from django.core.cache import cache
from django.db import connection

from config import health

pytestmark = pytest.mark.django_db


def test_healthy_node_answers_ok_cheaply_without_cookie_or_cache(
    client, django_assert_max_num_queries
):
    # The database probe, and at most four reads for "who hears about new requests"
    # (a live request page, the sites, the page's site, its settings).
    with django_assert_max_num_queries(5):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]
    assert "<html" not in response.content.decode()


def test_a_cache_that_is_down_leaves_the_node_in_service_and_is_named(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("Redis is not listening")

    monkeypatch.setattr(cache, "set", refuse)
    response = client.get("/healthz")
    # The node still serves pages and stores requests: a load balancer keeps it.
    assert response.status_code == 200
    assert response.content.decode() == "ok\ndegraded: cache\n"


def test_a_database_that_is_down_is_named(client, monkeypatch):
    def no_cursor(*args, **kwargs):
        raise ConnectionError("PostgreSQL is not listening")

    monkeypatch.setattr(connection, "cursor", no_cursor)
    assert health.database_answers() is False
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "database" in response.content.decode()
