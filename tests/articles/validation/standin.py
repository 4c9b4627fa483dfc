"""A local stand-in for Crossref and NCBI E-utilities: serves the recordings over HTTP on loopback.

Point ``CROSSREF_API_URL`` at ``{url}/works/`` and ``NCBI_EUTILS_URL`` at ``{url}/eutils/``.
Nothing here reaches the internet: the server binds 127.0.0.1 on a free port.
"""

import json
import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.articles.validation.test_resolvers import RECORDINGS, recording_for


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlsplit(self.path)
        params = {name: values[-1] for name, values in parse_qs(url.query).items()}
        self.server.requests.append(self.path)
        try:
            recording = json.loads((RECORDINGS / recording_for(url.path, params)).read_text())
        except KeyError:
            recording = {"status": 404, "json": {"status": "error", "message": [f"no recording for {url.path}"]}}
        body = json.dumps(recording["json"]) if "json" in recording else recording["text"]
        self.send_response(recording["status"])
        self.send_header("Content-Type", "application/json" if "json" in recording else "text/plain")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format, *args):  # keep test output quiet
        pass


@contextmanager
def standin():
    """Serve the recordings; yields the base URL (``http://127.0.0.1:PORT``) and the request log."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port_url() -> str:
    """A loopback address where nothing listens: every request is refused, as in an outage."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
