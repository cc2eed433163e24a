"""A local receiver (a real HTTP server on 127.0.0.1) and the city's endpoint."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from safecampus.accounts.models import User


@dataclass
class Receiver:
    url: str
    answers: list[int] = field(default_factory=list)  # status per call; then 200
    calls: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def bodies(self) -> list[dict]:
        return [json.loads(body) for _, body in self.calls]


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    settings.WEBHOOK_ALLOW_PRIVATE = True
    box: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            rec = box["r"]
            rec.calls.append(({k.lower(): v for k, v in self.headers.items()}, body))
            status = rec.answers.pop(0) if rec.answers else 200
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box["r"] = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hook")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box["r"]
    server.shutdown()
    server.server_close()


@pytest.fixture
def city_admin(demo) -> User:
    return User.objects.get(username="demo_city")


@pytest.fixture
def safety(demo) -> User:
    return User.objects.get(username="demo_safety")
