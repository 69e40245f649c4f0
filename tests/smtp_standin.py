"""A local SMTP server in a thread, speaking just enough SMTP for Django's SMTP
backend (smtplib): it counts connections, keeps each message's outbox row id (the
X-Portal-Message header), and refuses recipients the test names."""

import re
import socketserver
import threading
from contextlib import contextmanager


@contextmanager
def smtp_standin(refuse=()):
    server = None

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line):
            self.wfile.write(f"{line}\r\n".encode())

        def handle(self):
            with server.lock:
                server.connections += 1
            self.reply("220 standin ESMTP")
            recipients = []
            while line := self.rfile.readline():
                command = line.decode(errors="replace").strip()
                verb = command.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    self.reply("250 standin")
                elif verb == "MAIL":
                    recipients = []
                    self.reply("250 OK")
                elif verb == "RCPT":
                    address = command.split(":", 1)[1].strip(" <>")
                    if address in server.refuse:
                        self.reply("550 no such mailbox")
                    else:
                        recipients.append(address)
                        self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 go ahead")
                    self.receive(recipients)
                    self.reply("250 queued")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:  # RSET, NOOP
                    self.reply("250 OK")

        def receive(self, recipients):
            lines = []
            while (line := self.rfile.readline()) not in (b".\r\n", b""):
                lines.append(line.decode(errors="replace"))
            text = "".join(lines)
            match = re.search(r"^X-Portal-Message: (\d+)", text, re.M)
            with server.lock:
                server.messages.append((int(match.group(1)), recipients))

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.lock = threading.Lock()
    server.connections, server.messages = 0, []
    server.refuse = set(refuse)
    server.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def mailer(port):
    """MAILERS for Django's SMTP backend, pointed at the stand-in."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
