"""A local webhook receiver for trying the webhooks out (`safecampus webhook-receiver`): it
verifies each delivery's Standard Webhooks signature with the endpoint's secret and prints the
event. An operator's SMS or WeChat gateway does the same before sending anything on.

    WEBHOOK_ALLOW_PRIVATE=1 make run         # let SafeCampus post to 127.0.0.1
    safecampus webhook-receiver --port 8765 --secret whsec_…
"""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .signing import verify

TOLERANCE_SECONDS = 5 * 60  # older (or future) timestamps are refused: replays


def make_handler(secret: str, out: object = print) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            msg_id = self.headers.get("webhook-id", "")
            stamp = self.headers.get("webhook-timestamp", "")
            ok = (
                stamp.isdigit()
                and abs(time.time() - int(stamp)) <= TOLERANCE_SECONDS
                and verify(secret, msg_id, int(stamp), body, self.headers.get("webhook-signature", ""))
            )
            self.send_response(204 if ok else 401)
            self.end_headers()
            if ok:
                event = json.loads(body)
                out(f"{msg_id} {event.get('type')} {json.dumps(event.get('data'), ensure_ascii=False)}")
            else:
                out(f"{msg_id or '-'} refused: bad or stale signature")

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def serve(port: int, secret: str, host: str = "127.0.0.1") -> None:
    server = ThreadingHTTPServer((host, port), make_handler(secret))
    print(f"Receiving webhooks on http://{host}:{port}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
