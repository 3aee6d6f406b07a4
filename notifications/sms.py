"""Sending SMS: one small interface, three backends chosen by settings.SMS_BACKEND.

- console: prints the message on the worker's stdout (development: the OTP
  code shows up in the `make run` terminal);
- file: appends one JSON line per message to settings.SMS_FILE_PATH;
- http: POSTs JSON {to, message, reference} to the city's SMS gateway at
  settings.SMS_GATEWAY_URL with HTTP Basic auth.

`reference` is the message's stable idempotency key: a gateway that sees the
same reference twice knows it is a repeated delivery, not a new message.
"""

import base64
import http.client
import json
import sys
import threading
import urllib.error
import urllib.request
from abc import ABC, abstractmethod

from django.conf import settings
from django.utils import timezone


class SmsError(Exception):
    """The message was not sent; trying again later may work."""


class SmsRejected(SmsError):
    """The gateway refused the message itself (bad number, bad credentials): retrying will not help."""


class SmsBackend(ABC):
    @abstractmethod
    def send(self, recipient, body, reference):
        """Send one SMS; raise SmsError when a later try may work, SmsRejected when it cannot."""


class ConsoleSmsBackend(SmsBackend):
    def send(self, recipient, body, reference):
        print(f"[SMS ke {recipient} | ref {reference}]\n{body}\n", file=sys.stdout, flush=True)


class FileSmsBackend(SmsBackend):
    # Worker threads of one process append to the same file; one line per write.
    _lock = threading.Lock()

    def send(self, recipient, body, reference):
        path = settings.SMS_FILE_PATH
        line = json.dumps(
            {"to": recipient, "message": body, "reference": reference, "sent_at": timezone.now().isoformat()},
            ensure_ascii=False,
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(path, "a", encoding="utf-8") as log:
            log.write(line + "\n")


class HttpSmsGatewayBackend(SmsBackend):
    """2xx is sent; 4xx is a rejection (except 408 and 429); 5xx, timeouts and network errors are retried."""

    RETRYABLE_CLIENT_ERRORS = {408, 429}

    def send(self, recipient, body, reference):
        payload = json.dumps({"to": recipient, "message": body, "reference": reference}).encode()
        credentials = f"{settings.SMS_GATEWAY_USERNAME}:{settings.SMS_GATEWAY_PASSWORD}".encode()
        request = urllib.request.Request(
            settings.SMS_GATEWAY_URL,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": "Basic " + base64.b64encode(credentials).decode(),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:
                response.read()
        except urllib.error.HTTPError as error:
            detail = error.read(500).decode(errors="replace").strip()
            message = f"Gateway SMS menjawab HTTP {error.code}: {detail or error.reason}"
            if 400 <= error.code < 500 and error.code not in self.RETRYABLE_CLIENT_ERRORS:
                raise SmsRejected(message) from error
            raise SmsError(message) from error
        except (OSError, http.client.HTTPException) as error:  # refused, timed out, cut off mid-answer
            raise SmsError(f"Gateway SMS tidak dapat dihubungi: {error}") from error


BACKENDS = {"console": ConsoleSmsBackend, "file": FileSmsBackend, "http": HttpSmsGatewayBackend}


def backend_class():
    return BACKENDS[settings.SMS_BACKEND]


def send_sms(recipient, body, reference):
    backend_class()().send(recipient, body, reference)
