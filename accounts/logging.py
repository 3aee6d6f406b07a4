import logging

from accounts.nik import NIK_IN_TEXT_RE


class RedactNikFilter(logging.Filter):
    """Masks anything shaped like a NIK before a log record is written (UU 27/2022 PDP)."""

    def filter(self, record):
        message = record.getMessage()
        redacted = NIK_IN_TEXT_RE.sub(lambda m: m.group(0)[:4] + "*" * 8 + m.group(0)[-4:], message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
