"""The client's address behind the declared proxies, and the check that refuses a contradiction."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory

from practice.checks import trusted_proxies_are_declared_one_way
from practice.clients import client_address


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def ids(settings_errors):
    return {error.id for error in settings_errors}


@pytest.mark.parametrize(
    "count, remote, forwarded, expected",
    [
        (0, "192.0.2.1", "203.0.113.1", "192.0.2.1"),  # no proxy declared: header ignored
        (1, "127.0.0.1", "198.51.100.2, 203.0.113.1", "203.0.113.1"),
        (2, "127.0.0.1", "203.0.113.1, 127.0.0.1", "203.0.113.1"),
        (2, "127.0.0.1", "198.51.100.2, 203.0.113.1, 127.0.0.1", "203.0.113.1"),  # forged hop
        (2, "127.0.0.1", "", "127.0.0.1"),  # came round the proxies: nothing vouched for
        (2, "127.0.0.1", "not-an-address, 127.0.0.1", "127.0.0.1"),
    ],
)
def test_a_proxy_count_reads_the_hop_the_outermost_proxy_saw(
    settings, count, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_address(request_from(remote, forwarded)) == expected


def test_the_old_last_hop_setting_a_count_and_addresses_at_once_are_refused(settings):
    assert trusted_proxies_are_declared_one_way(None) == []
    settings.TRUSTED_PROXY_COUNT = 2
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert ids(trusted_proxies_are_declared_one_way(None)) == {"practice.E012"}
    settings.TRUSTED_PROXIES = []
    settings.APPOINTMENT_TRUST_X_FORWARDED_FOR = True
    assert ids(trusted_proxies_are_declared_one_way(None)) == {"practice.E010"}
    del settings.APPOINTMENT_TRUST_X_FORWARDED_FOR
    settings.TRUSTED_PROXY_COUNT = -1
    assert ids(trusted_proxies_are_declared_one_way(None)) == {"practice.E011"}
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "nginx.internal"]
    assert ids(trusted_proxies_are_declared_one_way(None)) == {"practice.E013"}
    with pytest.raises(SystemCheckError):
        call_command("check")
