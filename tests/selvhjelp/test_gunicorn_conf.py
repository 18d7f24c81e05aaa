"""gunicorn's settings: workers recycled only as a guard, a new worker ready before its first request, and
connections spread over the workers."""

import gc
import os
import types
from unittest import mock

from django.db import OperationalError
from django.test import SimpleTestCase, TestCase
from gunicorn.config import Config

from figures import closing
from selvhjelp import gunicorn_conf


def a_worker():
    return types.SimpleNamespace(log=mock.Mock())


class GunicornConfTests(TestCase):
    def test_a_worker_is_recycled_only_after_about_a_million_requests(self):
        self.assertEqual(gunicorn_conf.max_requests, 1_000_000)
        self.assertEqual(gunicorn_conf.max_requests_jitter, 50_000)

    def test_a_new_worker_reads_in_what_the_apps_need_first(self):
        worker = a_worker()
        with mock.patch.object(closing, "warm_up", wraps=closing.warm_up) as warm_up:
            gunicorn_conf.post_worker_init(worker)
        warm_up.assert_called_once_with()
        worker.log.warning.assert_not_called()
        worker.log.info.assert_called_once()

    def test_a_worker_starts_all_the_same_when_the_database_cannot_be_reached(self):
        worker = a_worker()
        with mock.patch.object(closing, "warm_up", side_effect=OperationalError("could not connect")):
            gunicorn_conf.post_worker_init(worker)
        worker.log.warning.assert_called_once()
        self.assertIn("figures", worker.log.warning.call_args.args[1])
        worker.log.info.assert_called_once()

    def test_a_new_worker_sets_what_it_read_in_aside_from_the_garbage_collector(self):
        self.addCleanup(gc.unfreeze)
        gc.unfreeze()
        gunicorn_conf.post_worker_init(a_worker())
        self.assertGreater(gc.get_freeze_count(), 10_000)  # the app's modules, templates and caches

    def test_a_new_worker_leaves_no_connection_of_its_own_open(self):
        worker = a_worker()
        with mock.patch("django.db.connections.close_all") as close_all:  # the requests' threads open their own
            gunicorn_conf.post_worker_init(worker)
        close_all.assert_called_once_with()


def a_server(*binds: str):
    cfg = Config()
    cfg.set("bind", list(binds))
    cfg.set("reuse_port", gunicorn_conf.reuse_port)
    return types.SimpleNamespace(cfg=cfg)


class ConnectionsSpreadTests(SimpleTestCase):
    """Each worker listens on a socket of its own where the address allows it (tests/integration/test_web_workers.py
    shows the kernel spreading connections over them)."""

    def test_workers_listen_on_sockets_of_their_own_on_a_host_and_port(self):
        server = a_server("127.0.0.1:8000", "[::1]:8000")
        gunicorn_conf.on_starting(server)
        self.assertTrue(server.cfg.reuse_port)

    def test_workers_share_a_unix_socket_or_one_given_by_file_descriptor(self):
        for bind in ("unix:/run/selvhjelp/web.sock", "fd://3"):
            with self.subTest(bind):
                server = a_server("127.0.0.1:8000", bind)
                gunicorn_conf.on_starting(server)
                self.assertFalse(server.cfg.reuse_port)

    def test_workers_share_the_sockets_systemd_hands_over(self):
        server = a_server("127.0.0.1:8000")
        with mock.patch.dict(os.environ, {"LISTEN_PID": str(os.getpid()), "LISTEN_FDS": "1"}):
            gunicorn_conf.on_starting(server)
            self.assertEqual(os.environ["LISTEN_FDS"], "1", "left for gunicorn to take")
        self.assertFalse(server.cfg.reuse_port)
