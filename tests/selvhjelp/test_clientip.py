from django.test import RequestFactory, SimpleTestCase, override_settings

from selvhjelp.clientip import client_ip


def request(remote: str = "203.0.113.9", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


class ClientAddressTests(SimpleTestCase):
    @override_settings(TRUSTED_PROXY_COUNT=0)
    def test_without_a_proxy_a_forged_header_is_ignored(self) -> None:
        self.assertEqual(client_ip(request("203.0.113.9", "198.51.100.1")), "203.0.113.9")

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_one_proxy_the_entry_it_appended_is_the_client(self) -> None:
        self.assertEqual(client_ip(request("10.0.0.2", "198.51.100.7")), "198.51.100.7")

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_entries_a_client_forged_before_the_proxys_own_are_ignored(self) -> None:
        forged = "192.0.2.1, 192.0.2.2, 198.51.100.7"
        self.assertEqual(client_ip(request("10.0.0.2", forged)), "198.51.100.7")

    @override_settings(TRUSTED_PROXY_COUNT=2)
    def test_behind_two_proxies_the_second_to_last_entry_is_the_client(self) -> None:
        self.assertEqual(client_ip(request("10.0.0.3", "192.0.2.1, 198.51.100.7, 10.0.0.2")), "198.51.100.7")

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_a_missing_header_falls_back_to_the_socket(self) -> None:
        self.assertEqual(client_ip(request("10.0.0.2")), "10.0.0.2")

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_garbage_in_the_header_is_not_an_address(self) -> None:
        self.assertEqual(client_ip(request("10.0.0.2", "<script>")), "unknown")


def test_a_sign_in_without_an_address_is_counted_by_account_only() -> None:
    from django.http import HttpRequest

    from selvhjelp.clientip import address_for_lockouts

    assert address_for_lockouts(HttpRequest()) is None
