"""gunicorn's workers share the connections: each listens on a socket of its own (SO_REUSEPORT), so the
kernel spreads new connections over them instead of whichever worker wakes first taking them all."""

import socket
from pathlib import Path

import pytest
from django.test import TransactionTestCase

from selvhjelp import gunicorn_conf
from tests.integration.stack import RealStack, wait_for

LISTEN, ESTABLISHED = "0A", "01"
CONNECTIONS = 16  # all on one of two workers by chance: 2 in 65,536


def sockets_on(port: int, state: str) -> set[int]:
    """The inodes of this machine's TCP sockets (IPv4) on ``port`` in ``state`` (from /proc/net/tcp)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == state:
            inodes.add(int(fields[9]))
    return inodes


def sockets_of(pid: int) -> set[int]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = fd.readlink().name
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[len("socket:[") : -1]))
    return inodes


def children_of(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


@pytest.mark.postgres
class WebWorkersTests(RealStack, TransactionTestCase):
    def setUp(self):
        self.assertTrue(gunicorn_conf.reuse_port)
        self.start_stack(webs=1, workers=0, web_workers=2)
        self.port = int(self.webs[0].rsplit(":", 1)[1])
        master = next(process for name, process, _log in self.processes if name == "web-1")
        self.assertTrue(wait_for(lambda: len(children_of(master.pid)) == 2), self.logs())
        self.workers = children_of(master.pid)

    def test_each_worker_listens_on_a_socket_of_its_own(self):
        listening = sockets_on(self.port, LISTEN)
        own = [sockets_of(worker) & listening for worker in self.workers]
        self.assertEqual([len(sockets) for sockets in own], [1, 1], (listening, own))
        self.assertNotEqual(own[0], own[1])

    def test_keep_alive_connections_are_spread_over_both_workers(self):
        connections = [socket.create_connection(("127.0.0.1", self.port), timeout=5) for _ in range(CONNECTIONS)]
        self.addCleanup(lambda: [connection.close() for connection in connections])

        def taken() -> list[int]:
            established = sockets_on(self.port, ESTABLISHED)
            return [len(sockets_of(worker) & established) for worker in self.workers]

        self.assertTrue(wait_for(lambda: sum(taken()) == CONNECTIONS), taken())
        self.assertTrue(all(taken()), f"connections per worker: {taken()}")
