"""Real servers for the delivery tests: an SMTP server (aiosmtpd) and an HTTP SMS gateway (http.server)."""

import email
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction

from core.testing import free_port
from notifications.outbox import queue


@pytest.fixture(autouse=True)
def dummy_task_backend(settings):
    """Tasks are recorded, not run: each test delivers explicitly."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class RecordingSmtpHandler:
    """Accepts mail and records each accepted message; can refuse addresses and stall on chosen messages."""

    def __init__(self):
        self.accepted = []  # email.message.Message, in order of acceptance
        self.refused_recipients = set()
        self.stall_data_once = set()  # Message-IDs: the first DATA for these never gets an answer
        self.stall_quit_after = set()  # Message-IDs: after accepting these, the QUIT never gets an answer
        self.stalled = threading.Event()
        self.release = threading.Event()

    def message_ids(self):
        return [message["Message-ID"] for message in self.accepted]

    async def _stall(self):
        import asyncio

        self.stalled.set()
        while not self.release.is_set():
            await asyncio.sleep(0.02)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused_recipients:
            return "550 5.1.1 Alamat penerima tidak dikenal"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        message_id = message["Message-ID"]
        if message_id in self.stall_data_once:
            self.stall_data_once.discard(message_id)
            await self._stall()
            return "451 4.3.0 Dihentikan"
        self.accepted.append(message)
        if message_id in self.stall_quit_after:
            self.stall_quit_after.discard(message_id)
            session.stall_quit = True
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        if getattr(session, "stall_quit", False):
            await self._stall()
        return "221 Bye"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free local port; Django sends to it through its SMTP backend."""
    handler = RecordingSmtpHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.EMAIL_TIMEOUT = 10
    yield handler
    handler.release.set()
    controller.stop()


class SmsGateway:
    """A local HTTP SMS gateway: records requests and answers with the statuses it is told to."""

    def __init__(self):
        self.requests = []  # (headers, json body)
        self.responses = []  # statuses to answer with, in order; then 200
        self.delay = 0  # seconds to sit on each request before answering
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append((dict(self.headers), body))
                time.sleep(server.delay)
                status = server.responses.pop(0) if server.responses else 200
                answer = json.dumps({"status": "diterima" if status < 300 else "ditolak"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/kirim"


@pytest.fixture
def sms_gateway(settings):
    gateway = SmsGateway()
    thread = threading.Thread(target=gateway.httpd.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = gateway.url
    settings.SMS_GATEWAY_USERNAME, settings.SMS_GATEWAY_PASSWORD = "binjai", "rahasia-gateway"
    settings.SMS_GATEWAY_TIMEOUT = 5
    yield gateway
    gateway.httpd.shutdown()
    gateway.httpd.server_close()


def queue_code(recipient, *, channel="email", code="482913", **kwargs):
    """Queue a verification-code message the way the accounts app does, in its own transaction."""
    context = {"name": "Siti Aminah", "code": code, "minutes": 10}
    with transaction.atomic():
        return queue(channel=channel, recipient=recipient, template="verification_code", context=context, **kwargs)
