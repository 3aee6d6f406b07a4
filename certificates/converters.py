"""The shape of a certificate number in a URL: `<certificate_number:number>`, registered once, here."""

from django.urls import register_converter


class CertificateNumberConverter:
    """Any text with slashes allowed (numbers like 503/SIUP/DPMPTSP/2026/000123), holding at least one letter.

    Every number the city issues has letters in it; requiring one keeps a bare row of digits — the shape
    of a NIK — out of every route, so a NIK typed in the wrong box never lands in an access log.
    """

    regex = r".*[A-Za-z].*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CertificateNumberConverter, "certificate_number")
