"""A small real HTTP server on 127.0.0.1 for self-tests that need an origin of their own."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Mapping

# A route's answer: (status, body, headers); a path with no route answers 404.
Answer = tuple[int, bytes, Mapping[str, str]]
NOT_FOUND: Answer = (404, b"not found", {"Content-Type": "text/plain"})


def serve(routes: Mapping[str, Answer]) -> ThreadingHTTPServer:
    """Serve ``routes`` (GET and HEAD) in a daemon thread; the caller shuts the server down."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status, body, headers = routes.get(self.path, NOT_FOUND)
            self.send_response(status)
            for key, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_HEAD = do_GET

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def origin_of(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_port}"
