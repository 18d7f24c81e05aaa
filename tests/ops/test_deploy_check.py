"""`manage.py check --deploy` has nothing to say about the production settings."""

import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from tests.ops.production import manage, production_settings


class DeployCheckTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Production serves what collectstatic wrote (bin/stack runs it before starting).
        cls.static_root = Path(cls.enterClassContext(tempfile.TemporaryDirectory()))
        collected = manage("collectstatic", "--noinput", "--verbosity", "0", STATIC_ROOT=str(cls.static_root))
        assert collected.returncode == 0, collected.stderr

    def check_deploy(self, *args: str, **env: str):
        return manage("check", "--deploy", *args, **{"STATIC_ROOT": str(self.static_root), **env})

    def test_check_deploy_gives_no_warnings(self):
        result = self.check_deploy("--fail-level", "WARNING")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("System check identified no issues", result.stdout)

    def test_check_deploy_fails_when_the_static_files_were_never_collected(self):
        # Without the manifest of hashed names, every page would answer 500.
        with tempfile.TemporaryDirectory() as empty:
            for static_root in (empty, str(Path(empty) / "not-made")):
                with self.subTest(static_root=static_root):
                    result = self.check_deploy("--fail-level", "ERROR", STATIC_ROOT=static_root)
                    self.assertNotEqual(result.returncode, 0)
                    self.assertIn("selvhjelp.E001", result.stdout + result.stderr)
                    self.assertIn("collectstatic", result.stdout + result.stderr)

    def test_check_deploy_is_quiet_about_static_files_once_they_are_collected_or_in_development(self):
        collected = self.check_deploy()
        self.assertNotIn("selvhjelp.E001", collected.stdout + collected.stderr)
        with tempfile.TemporaryDirectory() as empty:
            # With DEBUG on, the files are served from where they are, without a manifest.
            result = self.check_deploy(DEBUG="1", STATIC_ROOT=empty)
        self.assertNotIn("selvhjelp.E001", result.stdout + result.stderr)
        self.assertIn("System check identified", result.stdout + result.stderr)  # the check ran

    def test_check_deploy_warns_when_mail_would_be_printed_with_addresses(self):
        result = self.check_deploy(
            "--fail-level", "WARNING", EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("selvhjelp.W001", result.stdout + result.stderr)

    def test_check_deploy_warns_when_each_process_would_count_the_rate_limits_alone(self):
        for cache_url in ("", "locmem://"):
            result = self.check_deploy("--fail-level", "WARNING", CACHE_URL=cache_url)
            self.assertNotEqual(result.returncode, 0, cache_url)
            self.assertIn("selvhjelp.W002", result.stdout + result.stderr)

    def test_check_deploy_warns_when_every_client_would_seem_to_be_the_proxy(self):
        result = self.check_deploy("--fail-level", "WARNING", TRUSTED_PROXY_COUNT="0")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("selvhjelp.W003", result.stdout + result.stderr)

    def test_check_deploy_warns_when_sign_ups_would_be_recorded_inside_the_request(self):
        result = self.check_deploy("--fail-level", "WARNING", CELERY_BROKER_URL="")
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
