"""The public pages are kept for a minute for everyone who is shown them alike, and made afresh at once
when staff change what they show (selvhjelp/pagecache.py)."""

import datetime
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from contactpoints import directory
from contactpoints.models import ContactPoint, Language, Room
from contactpoints.services import publish
from groups.models import ProgressSnapshot
from groups.services import pausing_and_closing
from groups.services.threshold import update_contact_point
from selvhjelp import pagecache
from tests.base import InEnglish, Personas
from tests.groups.test_signing_up import add_signups

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def kept_but_the_sites_header_and_footer() -> list[tuple[object, ...]]:
    return [key for key in pagecache.store.keys() if key[0] != "made-once"]


class PageCacheTestCase(InEnglish, Personas):
    def setUp(self) -> None:
        super().setUp()
        # The tests keep no page (tests/conftest.py); these do, as production does.
        keeping = override_settings(PUBLIC_PAGE_CACHE_SECONDS=60)
        keeping.enable()
        self.addCleanup(keeping.disable)
        self.visitor = Client(**ENGLISH)

    def page(self, path: str, client: Client | None = None) -> str:
        response = (client or self.visitor).get(path)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def point_page(self, point: ContactPoint | None = None) -> str:
        return self.page((point or self.point_a).get_absolute_url())

    def point_page_for(self, client: Client) -> str:
        return self.page(self.point_a.get_absolute_url(), client)


class KeptTests(PageCacheTestCase):
    def test_a_second_visitor_is_answered_from_memory_without_a_query(self) -> None:
        first = self.page(reverse("home"))
        with self.assertNumQueries(0):
            second = self.page(reverse("home"), Client(**ENGLISH))
        self.assertEqual(first, second)
        self.point_page()
        with self.assertNumQueries(0):
            self.point_page_for(Client(**ENGLISH))

    def test_a_kept_page_carries_the_same_headers_as_a_fresh_one(self) -> None:
        fresh = self.visitor.get(reverse("directory"))
        kept = Client(**ENGLISH).get(reverse("directory"))
        for header in ("Content-Type", "Vary", "Content-Language", "Content-Security-Policy", "X-Frame-Options"):
            self.assertEqual(kept.get(header), fresh.get(header), header)
        self.assertIn("Accept-Language", kept["Vary"])
        self.assertIn("Cookie", kept["Vary"])
        self.assertNotIn("Cache-Control", kept)  # what the app sent before: nothing told shared caches to keep it
        self.assertNotEqual(kept["X-Request-ID"], fresh["X-Request-ID"])

    def test_each_search_is_kept_under_its_own_address(self) -> None:
        self.assertIn("sentral-a", self.page(reverse("directory") + "?q=Oslo"))
        self.assertNotIn("sentral-a", self.page(reverse("directory") + "?q=Kautokeino"))

    def test_the_waiting_count_is_at_most_a_minute_old(self) -> None:
        add_signups(self.point_a, 5)
        self.assertIn("5 people are waiting here.", self.point_page())
        # The next day's count: a sign-up changes no generation, so the page is at most a minute old.
        add_signups(self.point_a, 1, prefix="new")
        ProgressSnapshot.objects.filter(contact_point=self.point_a).update(
            taken_at=timezone.now() - datetime.timedelta(days=2)
        )
        self.assertIn("5 people are waiting here.", self.point_page())
        later = pagecache.time.monotonic() + 61
        with mock.patch.object(pagecache.time, "monotonic", return_value=later):
            self.assertIn("6 people are waiting here.", self.point_page())


class FreshAtOnceTests(PageCacheTestCase):
    def test_a_contact_point_page_is_fresh_at_once_after_staff_pause_sign_ups(self) -> None:
        self.assertIn(reverse("signup", args=[self.point_a.slug]), self.point_page())
        staff = self.client_for(self.staff_a)
        with self.captureOnCommitCallbacks(execute=True):
            staff.post(reverse("staff:pause", args=[self.point_a.slug]), {"action": "pause", "message": "Back in May."})
        page = self.point_page()
        self.assertIn("Not taking new sign-ups right now", page)
        self.assertIn("Back in May.", page)
        self.assertNotIn(reverse("signup", args=[self.point_a.slug]), page)

        with self.captureOnCommitCallbacks(execute=True):
            staff.post(reverse("staff:pause", args=[self.point_a.slug]), {"action": "resume"})
        self.assertIn(reverse("signup", args=[self.point_a.slug]), self.point_page())

    def test_changed_details_show_at_once_on_the_page_and_in_the_directory(self) -> None:
        self.point_page()
        self.page(reverse("directory") + "?q=Oslo")
        self.point_a.opening_hours = "Mondays 10 to 14"
        self.point_a.name = "Sentral A på Grønland"
        update_contact_point(contact_point=self.point_a, fields=["opening_hours", "name"])
        self.assertIn("Mondays 10 to 14", self.point_page())
        self.assertIn("Sentral A på Grønland", self.page(reverse("directory") + "?q=Oslo"))
        self.assertIn("Sentral A på Grønland", self.page(reverse("directory") + "?q=gronland"))

    def test_a_closed_contact_point_leaves_the_directory_at_once(self) -> None:
        self.assertIn("sentral-a", self.page(reverse("directory")))
        pausing_and_closing.close(contact_point=self.point_a)
        self.assertNotIn("sentral-a", self.page(reverse("directory")))
        self.assertEqual(self.visitor.get(self.point_a.get_absolute_url()).status_code, 404)

    def test_a_published_contact_point_is_found_at_once(self) -> None:
        ContactPoint.objects.filter(pk=self.point_b.pk).update(is_active=False, published_at=None)
        pagecache.bump()  # the test hid it behind the workflows' back
        self.assertNotIn("sentral-b", self.page(reverse("directory") + "?q=Kautokeino"))
        with mock.patch("contactpoints.services.checklist", return_value=[]):
            publish(contact_point=self.point_b)
        self.assertIn("sentral-b", self.page(reverse("directory") + "?q=Kautokeino"))

    def test_the_ways_of_meeting_rooms_and_languages_are_fresh_at_once(self) -> None:
        self.point_page()
        self.page(reverse("directory") + "?language=ar")
        self.point_b.offers_video = True
        update_contact_point(contact_point=self.point_b, fields=["offers_video"], languages=["ar"])
        self.assertIn("by video", self.point_page(self.point_b))
        self.assertIn("sentral-b", self.page(reverse("directory") + "?language=ar"))
        before = pagecache.generation()
        Room.objects.create(contact_point=self.point_a, name="Peisestua", address="Storgata 1")
        self.assertNotEqual(pagecache.generation(), before)

    def test_a_list_nearby_that_pauses_or_reopens_leaves_or_joins_the_sign_up_form_at_once(self) -> None:
        nearby = ContactPoint.objects.create(
            slug="sentral-c", name="Sentral C", kind=ContactPoint.Kind.FRIVILLIGSENTRAL, municipality=self.oslo
        )
        form = reverse("signup", args=[self.point_a.slug])
        self.assertIn("Sentral C", self.page(form))
        pausing_and_closing.pause_signups(contact_point=nearby, message="")
        self.assertNotIn("Sentral C", self.page(form))
        pausing_and_closing.resume_signups(contact_point=nearby)
        self.assertIn("Sentral C", self.page(form))

    def test_a_language_taken_off_the_list_leaves_the_form_at_once(self) -> None:
        self.assertIn("Polski", self.page(reverse("directory")))
        language = Language.objects.get(code="pl")
        language.is_active = False
        language.save()
        self.assertNotIn("Polski", self.page(reverse("directory")))


class NeverForOthersTests(PageCacheTestCase):
    def test_a_signed_in_person_never_gets_a_cached_page(self) -> None:
        staff = self.client_for(self.staff_a)
        signed_in = staff.get(reverse("home")).content.decode()
        self.assertNotIn("For contact points and offices: sign in", signed_in)
        self.assertIn("For contact points and offices: sign in", self.page(reverse("home")))
        self.assertNotIn("For contact points and offices: sign in", staff.get(reverse("home")).content.decode())
        # And what a signed-in person is shown is never kept for others.
        pagecache.clear()
        staff.get(self.point_a.get_absolute_url())
        # Only what every page reads alike may be kept (the languages, the lists open for sign-ups, the
        # site's header and footer), and nothing in it names the person or their contact point.
        self.assertEqual([key for key in pagecache.store.keys() if key[0] not in ("built", "made-once")], [])
        for key in pagecache.store.keys():
            if key[0] == "made-once":
                kept = str(pagecache.store.get(key))
                self.assertNotIn(self.staff_a.email, kept)
                self.assertNotIn(self.point_a.name, kept)

    def test_a_page_in_english_is_never_served_to_someone_reading_bokmal(self) -> None:
        self.assertIn("Find a contact point", self.page(reverse("directory")))
        bokmal = Client(HTTP_ACCEPT_LANGUAGE="nb").get(reverse("directory")).content.decode()
        self.assertIn('<html lang="nb"', bokmal)
        self.assertNotIn("Find a contact point", bokmal)
        chosen = Client(HTTP_ACCEPT_LANGUAGE="en")
        chosen.cookies["django_language"] = "nb"
        self.assertIn('<html lang="nb"', chosen.get(reverse("directory")).content.decode())

    def test_a_visitor_with_any_other_cookie_is_answered_afresh(self) -> None:
        self.page(reverse("home"))
        other = Client(**ENGLISH)
        other.cookies["sessionid"] = "not-a-session"
        with self.assertNumQueries(1):  # the session is looked up: nothing kept was used
            other.get(reverse("home"))

    def test_nothing_is_cached_that_sets_a_cookie(self) -> None:
        def sets_a_cookie(request: HttpRequest) -> HttpResponse:
            response = HttpResponse("chosen")
            response.set_cookie("something", "of one person")
            return response

        calls = []

        def private(request: HttpRequest) -> HttpResponse:
            calls.append(1)
            response = HttpResponse("yours")
            response["Cache-Control"] = "private"
            return response

        factory = RequestFactory()
        for view in (sets_a_cookie, private):
            kept = pagecache.public_page_cache(view)
            kept(factory.get("/a/"))
            kept(factory.get("/a/"))
        self.assertEqual(len(calls), 2)
        self.assertEqual(len(pagecache.store), 0)

    def test_a_page_that_is_not_found_is_not_kept(self) -> None:
        self.assertEqual(self.visitor.get("/kontaktpunkter/finnes-ikke/").status_code, 404)
        self.assertEqual(kept_but_the_sites_header_and_footer(), [])

    def test_a_shared_cache_that_does_not_answer_leaves_every_page_fresh(self) -> None:
        with mock.patch.object(cache, "get", side_effect=ConnectionError):
            self.assertIn("sentral-a", self.page(reverse("directory")))
            self.assertIn("sentral-a", self.page(reverse("directory")))
        self.assertEqual(kept_but_the_sites_header_and_footer(), [])


class DirectorySearchTests(PageCacheTestCase):
    def test_a_new_search_reads_no_table_once_the_index_is_made(self) -> None:
        self.page(reverse("directory") + "?q=Oslo")
        self.page(reverse("directory") + "?q=Vardo")  # names no contact point: the places are read once
        with self.assertNumQueries(0):
            found = self.page(reverse("directory") + "?q=Kautokeino")
            self.page(reverse("directory") + "?q=Guovdageaidnu&format=telephone")
            self.page(reverse("directory") + "?q=Vadso")
        self.assertIn("sentral-b", found)

    def test_the_index_follows_a_new_contact_point_at_once(self) -> None:
        self.assertEqual(directory.find_contact_points(query="Kautokeino"), [self.point_b])
        ContactPoint.objects.create(
            slug="ny", name="Ny sentral", kind=ContactPoint.Kind.FRIVILLIGSENTRAL, municipality=self.kautokeino
        )
        self.assertEqual({p.slug for p in directory.find_contact_points(query="Kautokeino")}, {"sentral-b", "ny"})


class MadeOnceTests(SimpleTestCase):
    def setUp(self) -> None:
        keeping = override_settings(PUBLIC_PAGE_CACHE_SECONDS=60)  # after tests/conftest.py turned it off
        keeping.enable()
        self.addCleanup(keeping.disable)

    def test_threads_asking_at_once_for_what_ran_out_wait_for_one_to_make_it(self) -> None:
        pagecache.clear()
        made: list[int] = []
        started = threading.Barrier(8)

        def build() -> str:
            made.append(1)
            time.sleep(0.2)  # long enough that every thread asks while it is being made
            return "the directory's index"

        def ask() -> str:
            started.wait()
            return pagecache.per_generation("made-once", build, size=100)

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda _n: ask(), range(8)))
        self.assertEqual(answers, ["the directory's index"] * 8)
        self.assertEqual(len(made), 1)

    def test_a_thread_that_fails_to_make_it_lets_the_next_one_try(self) -> None:
        pagecache.clear()

        def broken() -> str:
            raise RuntimeError("the database went away")

        with self.assertRaises(RuntimeError):
            pagecache.per_generation("made-after-a-failure", broken, size=100)
        self.assertEqual(pagecache.per_generation("made-after-a-failure", lambda: "made", size=100), "made")


class HeaderAndFooterTests(PageCacheTestCase):
    """The site's header and footer, and the links to its styles, are made once per process, for each
    language and for visitors and signed-in people apart."""

    def footer_of(self, page: str) -> str:
        return page[page.index('<footer class="site-footer">') :]

    def test_they_are_made_once_and_are_the_same_on_every_page(self) -> None:
        home, directory = self.page(reverse("home")), self.page(reverse("directory"))
        self.assertEqual(self.footer_of(home), self.footer_of(directory))
        made = sorted(key for key in pagecache.store.keys() if key[0] == "made-once")
        self.assertEqual(
            made, [("made-once", "en", "footer", False), ("made-once", "en", "header"), ("made-once", "en", "styles")]
        )
        self.assertEqual(home.count('rel="stylesheet"'), 3)

    def test_a_signed_in_person_gets_no_sign_in_link_and_a_visitor_always_does(self) -> None:
        staff = self.client_for(self.staff_a)
        for _ in range(2):
            self.assertNotIn("For contact points and offices: sign in", staff.get(reverse("privacy")).content.decode())
            self.assertIn("For contact points and offices: sign in", self.page(reverse("privacy")))

    def test_each_language_has_its_own(self) -> None:
        self.assertIn("Find a contact point", self.page(reverse("privacy")))
        bokmal = Client(HTTP_ACCEPT_LANGUAGE="nb").get(reverse("privacy")).content.decode()
        self.assertIn("Finn et kontaktpunkt", bokmal)
        self.assertNotIn("Find a contact point", bokmal)

    def test_a_changed_setting_shows_at_once(self) -> None:
        self.assertIn("is run by", self.page(reverse("privacy")))
        with override_settings(OPERATOR_NAME="Eksempel kommune"):
            self.assertIn("is run by Eksempel kommune", self.page(reverse("privacy")))


class OneReadPerRequestTests(PageCacheTestCase):
    def test_a_request_reads_the_generation_once_for_all_it_keeps(self) -> None:
        form = reverse("signup", args=[self.point_a.slug])  # its contact point, languages and other lists
        with mock.patch.object(pagecache, "generation", wraps=pagecache.generation) as read:
            self.page(form)
        self.assertEqual(read.call_count, 1)

    def test_what_one_request_changes_shows_in_the_next_at_once(self) -> None:
        self.page(reverse("directory"))
        staff = self.client_for(self.staff_a)
        with self.captureOnCommitCallbacks(execute=True):
            answer = staff.post(
                reverse("staff:pause", args=[self.point_a.slug]), {"action": "pause", "message": "Back in May."}
            )
        self.assertEqual(answer.status_code, 302)
        self.assertIn("Not taking new sign-ups right now", self.page(reverse("directory")))

    def test_outside_a_request_every_read_asks_the_shared_cache(self) -> None:
        with mock.patch.object(pagecache, "generation", wraps=pagecache.generation) as read:
            pagecache.per_generation("outside-a", lambda: 1, size=10)
            pagecache.per_generation("outside-b", lambda: 2, size=10)
        self.assertEqual(read.call_count, 2)


# A Redis database of the tests' own (the real-worker tests use 15).
TEST_REDIS = "redis://127.0.0.1:6379/13"


def eventually(condition, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@override_settings(CACHES={"default": {"BACKEND": "selvhjelp.cache.RedisCache", "LOCATION": TEST_REDIS}})
class GenerationWatcherTests(SimpleTestCase):
    """Where the cache is Redis, each process hears of a new generation at once and asks Redis no more."""

    def setUp(self) -> None:
        cache.clear()
        pagecache.watcher.stop()
        self.addCleanup(pagecache.watcher.stop)
        pagecache.generation()  # starts this process's watcher
        self.assertTrue(eventually(lambda: pagecache.watcher.listening), "the watcher did not subscribe")

    def test_a_new_generation_is_heard_at_once_and_redis_is_not_asked(self) -> None:
        before = pagecache.generation()
        pagecache.bump()
        self.assertTrue(eventually(lambda: pagecache.watcher.value != before))
        with mock.patch.object(pagecache, "_read_generation", side_effect=AssertionError("Redis was asked")):
            self.assertEqual(pagecache.generation(), cache.get(pagecache.GENERATION_KEY))
            self.assertGreater(pagecache.generation(), before)

    def test_while_the_subscription_is_lost_each_request_asks_redis_until_it_is_back(self) -> None:
        client = caches["default"]._cache.get_client(write=True)
        for listener in client.client_list(_type="pubsub"):
            if listener["db"] == TEST_REDIS.rsplit("/", 1)[1]:  # this test's own, not others' on the server
                client.client_kill_filter(_id=listener["id"])
        self.assertTrue(eventually(lambda: not pagecache.watcher.listening), "the lost subscription went unseen")
        pagecache.bump()  # announced while nobody listens
        self.assertEqual(pagecache.generation(), cache.get(pagecache.GENERATION_KEY))
        self.assertTrue(eventually(lambda: pagecache.watcher.listening), "the watcher did not subscribe again")
        self.assertEqual(pagecache.generation(), cache.get(pagecache.GENERATION_KEY))

    def test_generations_heard_out_of_order_leave_the_highest(self) -> None:
        watcher = pagecache.GenerationWatcher()
        watcher._heard(7, reread=True)
        watcher._heard(9)
        watcher._heard(8)
        self.assertEqual(watcher.value, 9)
