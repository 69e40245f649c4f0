"""A local stand-in for the GOV.UK Notify API: an http.server in a thread that
records each request and answers with the status the test chooses. It keeps
connections open (HTTP/1.1) and counts them, as Notify's clients reuse theirs."""

import json
import threading
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The shape of a real key: name, service id, secret.
API_KEY = f"test_key-{uuid.uuid4()}-{uuid.uuid4()}"
TEMPLATE_ID = str(uuid.uuid4())


@contextmanager
def notify_standin(status=201):
    requests = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()
            server.connections += 1

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            requests.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization", ""),
                    "json": json.loads(body or b"{}"),
                }
            )
            if server.status == 201:
                payload = {"id": str(uuid.uuid4()), "reference": None}
            else:
                payload = {
                    "status_code": server.status,
                    "errors": [{"error": "Exception", "message": "Internal error"}],
                }
            data = json.dumps(payload).encode()
            self.send_response(server.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.status = status
    server.requests = requests
    server.connections = 0
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
