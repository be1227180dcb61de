"""The client's address: the peer, or the forwarded header read only from trusted proxies."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import RequestFactory, override_settings

from townsquare.core.clientaddr import client_address
from townsquare.settings import _trusted_proxies


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(TOWNSQUARE_TRUSTED_PROXIES=[])
def test_by_default_the_forwarded_header_is_ignored():
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@override_settings(TOWNSQUARE_TRUSTED_PROXIES=["10.0.0.5"])
def test_an_untrusted_peer_cannot_pick_its_address_with_the_header():
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@override_settings(TOWNSQUARE_TRUSTED_PROXIES=["10.0.0.5"])
def test_a_trusted_proxy_names_the_client():
    assert client_address(_request("10.0.0.5", "198.51.100.1")) == "198.51.100.1"


@override_settings(TOWNSQUARE_TRUSTED_PROXIES=["10.0.0.5"])
def test_a_spoofed_left_part_of_the_header_is_not_believed():
    # The client sent "X-Forwarded-For: 1.1.1.1"; the proxy appended the real peer.
    assert client_address(_request("10.0.0.5", "1.1.1.1, 198.51.100.1")) == "198.51.100.1"


@override_settings(TOWNSQUARE_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_trusted_hops_in_a_cidr_range_are_skipped_from_the_right():
    request = _request("10.0.0.5", "1.1.1.1, 198.51.100.1, 10.1.2.3, 10.9.9.9")
    assert client_address(request) == "198.51.100.1"


@override_settings(TOWNSQUARE_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_trusted_proxy_without_a_header_is_the_client():
    assert client_address(_request("10.0.0.5")) == "10.0.0.5"


@override_settings(TOWNSQUARE_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_garbage_hop_stops_the_walk_at_the_last_trusted_address():
    assert client_address(_request("10.0.0.5", "198.51.100.1, nonsense")) == "10.0.0.5"


@override_settings(TOWNSQUARE_TRUSTED_PROXIES=["::1", "fd00::/8"])
def test_ipv6_proxies_and_clients():
    request = _request("::1", "2001:db8::1, [2001:db8::2]:4711, fd00::7")
    assert client_address(request) == "2001:db8::2"
    assert client_address(_request("2001:db8::9", "198.51.100.1")) == "2001:db8::9"


@override_settings(TOWNSQUARE_TRUSTED_PROXIES=["127.0.0.1"])
def test_ports_and_mapped_addresses_are_normalised():
    assert client_address(_request("::ffff:127.0.0.1", "198.51.100.1:5555")) == "198.51.100.1"


def test_no_peer_address_is_unknown():
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="")) == "unknown"


def test_the_setting_parses_addresses_and_ranges():
    assert _trusted_proxies(" 127.0.0.1, 10.0.0.0/8 ,::1,") == ["127.0.0.1", "10.0.0.0/8", "::1"]
    assert _trusted_proxies("") == []


@pytest.mark.parametrize("value", ["10.0.0.300", "proxy.internal", "10.0.0.0/33"])
def test_an_invalid_setting_refuses_to_start(tmp_path, value):
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ.update(TOWNSQUARE_VAR_DIR=str(tmp_path), TOWNSQUARE_TRUSTED_PROXIES=value)
    result = subprocess.run(
        [sys.executable, "-m", "townsquare.cli", "check"],
        env=environ, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode != 0
    assert f"TOWNSQUARE_TRUSTED_PROXIES: {value!r} is not an IP address" in result.stderr
