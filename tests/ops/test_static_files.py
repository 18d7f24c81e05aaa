"""In production, collectstatic makes hashed, compressed files, and the app serves them itself."""

import tempfile
from pathlib import Path

from django.test import Client, TestCase, override_settings

from tests.ops.production import manage, production_settings


class StaticFilesTests(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.static_root = Path(cls.enterClassContext(tempfile.TemporaryDirectory()))
        cls.collected = manage("collectstatic", "--noinput", STATIC_ROOT=str(cls.static_root))

    def test_collectstatic_works_with_the_production_storage(self):
        self.assertEqual(self.collected.returncode, 0, self.collected.stderr)
        self.assertTrue((self.static_root / "staticfiles.json").exists())
        hashed_css = [p for p in self.static_root.rglob("*.css") if len(p.name.split(".")) == 3]
        self.assertTrue(hashed_css, "hashed CSS files")
        for css in hashed_css:
            self.assertTrue(css.with_name(css.name + ".gz").exists(), f"{css.name} has no compressed copy")

    def test_pages_link_hashed_files_which_are_served_compressed_and_cached_for_long(self):
        storages = production_settings()["STORAGES"]
        with override_settings(STORAGES=storages, STATIC_ROOT=self.static_root, DEBUG=False):
            client = Client()
            page = client.get("/").content.decode()
            css = [part.split('"')[0] for part in page.split('href="')[1:] if part.startswith("/static/")]
            css = [url for url in css if url.endswith(".css")]
            self.assertTrue(css, "the page links its style sheets")
            for url in css:
                with self.subTest(url=url):
                    self.assertRegex(url, r"\.[0-9a-f]{12}\.css$")
                    response = client.get(url, headers={"Accept-Encoding": "gzip"})
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response["Content-Encoding"], "gzip")
                    self.assertIn("immutable", response["Cache-Control"])
                    self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                    self.assertNotIn("Access-Control-Allow-Origin", response)
                    response.close()
