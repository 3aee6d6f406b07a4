import logging

from accounts.nik import NIK_IN_TEXT_RE, mask_nik

# Only used to turn a traceback into text; the handler's own formatter still formats the record.
_TRACEBACK_FORMATTER = logging.Formatter()


def redact_niks(text):
    return NIK_IN_TEXT_RE.sub(lambda match: mask_nik(match.group(0)), text)


class RedactNikFilter(logging.Filter):
    """Masks anything shaped like a NIK before a log record is written (UU 27/2022 PDP).

    The message, and the traceback of a logged exception: a database error
    such as "Key (login_id)=(1275…) already exists" would otherwise carry one.
    """

    def filter(self, record):
        message = record.getMessage()
        redacted = redact_niks(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACK_FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_niks(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_niks(record.stack_info)
        return True
