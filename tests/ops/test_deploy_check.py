"""`manage.py check --deploy` has nothing to say about the production settings."""

from django.test import SimpleTestCase

from tests.ops.production import manage, production_settings


class DeployCheckTests(SimpleTestCase):
    def test_check_deploy_gives_no_warnings(self):
        result = manage("check", "--deploy", "--fail-level", "WARNING")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("System check identified no issues", result.stdout)

    def test_check_deploy_warns_when_mail_would_be_printed_with_addresses(self):
        result = manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("selvhjelp.W001", result.stdout + result.stderr)

    def test_check_deploy_warns_when_each_process_would_count_the_rate_limits_alone(self):
        for cache_url in ("", "locmem://"):
            result = manage("check", "--deploy", "--fail-level", "WARNING", CACHE_URL=cache_url)
            self.assertNotEqual(result.returncode, 0, cache_url)
            self.assertIn("selvhjelp.W002", result.stdout + result.stderr)

    def test_check_deploy_warns_when_every_client_would_seem_to_be_the_proxy(self):
        result = manage("check", "--deploy", "--fail-level", "WARNING", TRUSTED_PROXY_COUNT="0")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("selvhjelp.W003", result.stdout + result.stderr)

    def test_check_deploy_warns_when_sign_ups_would_be_recorded_inside_the_request(self):
        result = manage("check", "--deploy", "--fail-level", "WARNING", CELERY_BROKER_URL="")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("selvhjelp.W004", result.stdout + result.stderr)

    def test_production_is_strict(self):
        production = production_settings()
        self.assertIs(production["DEBUG"], False)
        self.assertEqual(production["LOG_FORMAT"], "json")
        self.assertGreaterEqual(production["SECURE_HSTS_SECONDS"], 365 * 24 * 3600)
        for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE"):
            self.assertIs(production[name], True, name)
        self.assertEqual(
            production["STORAGES"]["staticfiles"]["BACKEND"],  # type: ignore[index]
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
