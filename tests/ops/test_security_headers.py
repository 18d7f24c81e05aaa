"""Security headers on every response: every page as every persona, and every kind of error;
HSTS and secure cookies in production."""

from django.contrib.auth import get_user_model
from django.test import Client, TestCase, override_settings

from tests.fuzz.site import PERSONAS, WEBHOOK_SETTINGS, World, routes, webhook_headers
from tests.ops.production import production_security_overrides, production_settings

PAGES = {"a page": ("/", 200), "a missing page": ("/finnes-ikke/", 404), "a broken page": ("/test-ops/boom/", 500)}


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@override_settings(ROOT_URLCONF="tests.ops.urls")
class SecurityHeaderTests(TestCase):
    def assert_security_headers(self, response) -> None:  # type: ignore[no-untyped-def]
        policy = directives(response["Content-Security-Policy"])
        self.assertEqual(policy["default-src"], ["'self'"])
        self.assertEqual(policy["object-src"], ["'none'"])
        self.assertEqual(policy["base-uri"], ["'none'"])
        self.assertEqual(policy["frame-ancestors"], ["'none'"])
        # Scripts fall back to default-src: only our own files, never inline or eval.
        for directive in ("script-src", "script-src-elem", "script-src-attr", "default-src"):
            for source in policy.get(directive, []):
                self.assertNotIn(source, ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"))
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertIn("X-Request-ID", response)

    def test_every_kind_of_response_carries_the_headers(self):
        client = Client(raise_request_exception=False)
        for name, (path, status) in PAGES.items():
            with self.subTest(name):
                response = client.get(path)
                self.assertEqual(response.status_code, status)
                self.assert_security_headers(response)
                self.assertNotIn("Strict-Transport-Security", response, "no HSTS over plain HTTP")

    def test_in_production_every_kind_of_response_carries_hsts_too(self):
        with override_settings(**production_security_overrides()):
            client = Client(raise_request_exception=False)
            for name, (path, status) in PAGES.items():
                with self.subTest(name):
                    # As the TLS-terminating proxy forwards it.
                    response = client.get(path, headers={"X-Forwarded-Proto": "https"})
                    self.assertEqual(response.status_code, status)
                    self.assert_security_headers(response)
                    hsts = response["Strict-Transport-Security"]
                    max_age = int(hsts.split("max-age=")[1].split(";")[0])
                    self.assertGreaterEqual(max_age, 365 * 24 * 3600)
                    self.assertIn("includeSubDomains", hsts)

    def test_in_production_cookies_are_secure_httponly_and_same_site(self):
        User = get_user_model()
        User.objects.create_user("staff-c@work.example", "a-long-password-9")
        with override_settings(**production_security_overrides()):
            client = Client(enforce_csrf_checks=False)
            https = {"X-Forwarded-Proto": "https"}
            client.get("/logg-inn/", headers=https)
            response = client.post(
                "/logg-inn/", {"username": "staff-c@work.example", "password": "a-long-password-9"}, headers=https
            )
            self.assertEqual(response.status_code, 302)
            client.get("/velg-sprak/en/", {"neste": "/"}, headers=https)
        names = {"sessionid", "csrftoken", "django_language"}
        self.assertLessEqual(names, set(client.cookies))
        for name in names:
            with self.subTest(cookie=name):
                cookie = client.cookies[name]
                self.assertTrue(cookie["secure"])
                self.assertTrue(cookie["httponly"])
                self.assertEqual(cookie["samesite"], "Lax")

    def test_production_redirects_plain_http_to_https(self):
        self.assertTrue(production_settings()["SECURE_SSL_REDIRECT"])
        self.assertEqual(production_settings()["SECURE_PROXY_SSL_HEADER"], ["HTTP_X_FORWARDED_PROTO", "https"])


HTTPS = {"X-Forwarded-Proto": "https"}


@override_settings(ROOT_URLCONF="tests.ops.urls", ANYMAIL=WEBHOOK_SETTINGS)
class EveryPageCarriesTheHeadersTests(World):
    """Every URL pattern, filled from real objects and opened as each persona, in production settings."""

    def assert_production_headers(self, response, what: str) -> None:  # type: ignore[no-untyped-def]
        with self.subTest(what):
            SecurityHeaderTests.assert_security_headers(self, response)  # type: ignore[arg-type]
            self.assertIn("max-age=", response.get("Strict-Transport-Security", ""), what)

    def test_every_url_as_every_persona_carries_the_headers_in_production(self):
        with override_settings(**production_security_overrides()):
            clients = {persona: self.client_for(persona, raise_request_exception=False) for persona in PERSONAS}
            for route in routes():
                paths = self.paths(route)
                self.assertTrue(paths, f"{route.name}: the world cannot fill its path (see tests/fuzz/site.py)")
                for path in paths:
                    for persona, client in clients.items():
                        response = client.get(path, self.query(route), headers={**HTTPS, **webhook_headers()})
                        self.assert_production_headers(response, f"{persona} GET {path} ({response.status_code})")

    def test_every_kind_of_error_carries_the_headers_in_production(self):
        with override_settings(**production_security_overrides()):
            anonymous = Client(raise_request_exception=False)
            district = self.client_for("district", raise_request_exception=False)
            token = self.tokens["waiting"]
            errors = {
                400: anonymous.post(f"/p/{token}/", {"action": "no-such-action"}, headers=HTTPS),
                403: district.get("/ansatt/", headers=HTTPS),
                404: anonymous.get("/finnes-ikke/", headers=HTTPS),
                405: anonymous.get("/logg-ut/", headers=HTTPS),
                500: anonymous.get("/test-ops/boom/", headers=HTTPS),
            }
            for status, response in errors.items():
                self.assertEqual(response.status_code, status)
                self.assert_production_headers(response, str(status))

            # Turned away before any view runs: a host we do not serve, and a form without its CSRF token.
            response = anonymous.get("/", headers={**HTTPS, "Host": "evil.example"})
            self.assertEqual(response.status_code, 400)
            self.assert_production_headers(response, "a host we do not serve")
            csrf = Client(enforce_csrf_checks=True, raise_request_exception=False)
            response = csrf.post("/logg-inn/", {"username": "x@example.org", "password": "x"}, headers=HTTPS)
            self.assertEqual(response.status_code, 403)
            self.assertContains(response, "", status_code=403)
            self.assertTemplateUsed(response, "csrf_failure.html")
            self.assert_production_headers(response, "CSRF failure")
