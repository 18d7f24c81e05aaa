"""Pages go out compressed to browsers that ask, and their size tells nothing about a secret in them."""

import gzip
import re

from django.test import Client, TestCase
from django.urls import reverse

from tests.base import Personas


class CompressedPagesTests(Personas, TestCase):
    def test_the_sign_up_form_comes_compressed_to_a_browser_that_asks(self):
        url = reverse("signup", args=[self.point_a.slug])
        plain = Client().get(url)
        packed = Client().get(url, headers={"Accept-Encoding": "gzip, br"})
        self.assertEqual(packed.status_code, 200)
        self.assertEqual(packed["Content-Encoding"], "gzip")
        self.assertIn("Accept-Encoding", packed["Vary"])
        self.assertLess(len(packed.content), len(plain.content) / 2)
        page = gzip.decompress(packed.content).decode()
        self.assertIn('name="csrfmiddlewaretoken"', page)
        self.assertNotIn("Content-Encoding", plain)

    def test_the_same_page_twice_differs_in_its_form_token_and_its_compressed_size_is_padded(self):
        url = reverse("signup", args=[self.point_a.slug])
        browser = Client()
        answers = [browser.get(url, headers={"Accept-Encoding": "gzip"}) for _ in range(6)]
        tokens = {
            re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', gzip.decompress(a.content).decode())[1]
            for a in answers
        }
        self.assertEqual(len(tokens), 6, "each page masks the form token anew")
        self.assertGreater(len({len(a.content) for a in answers}), 1, "random padding varies the compressed size")
