"""How an applicant pays the retribusi: pluggable backends, chosen by the setting KC_PAYMENT_BACKEND.

A backend tells the applicant how to pay and checks the payment reference they record. The manual
bank-transfer backend (the default) has the applicant transfer to the city's treasury account and
record the transfer reference; an officer of the issuing OPD or of the finance agency (BPKPAD)
confirms it against the bank statement (permits.actions.do_confirm_payment). A payment gateway
backend would confirm through the gateway instead; the application's moves stay the same.
"""

import abc
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from permits.fees import rupiah

REFERENCE = re.compile(r"[A-Z0-9][A-Z0-9/.-]{5,59}")


class PaymentBackend(abc.ABC):
    """One way of paying; `code` is stored with each payment."""

    code = ""
    label = ""

    @abc.abstractmethod
    def instructions(self, application):
        """What the applicant must do to pay, in Bahasa Indonesia."""

    @abc.abstractmethod
    def clean_reference(self, reference):
        """The payment reference as stored; ValidationError({"reference": ...}) if it cannot be one."""


class ManualTransferBackend(PaymentBackend):
    code = "manual_transfer"
    label = "Transfer bank ke Rekening Kas Umum Daerah"

    def instructions(self, application):
        account = settings.KC_PAYMENT_ACCOUNT or f"Rekening Kas Umum Daerah {application.city.name}"
        return (
            f"Bayar retribusi {rupiah(application.fee_amount)} melalui transfer ke {account} dengan berita "
            f"{application.registration_number}, lalu catat nomor referensi transfer dari bukti bayar Anda. "
            "Petugas akan mencocokkannya dengan rekening koran."
        )

    def clean_reference(self, reference):
        cleaned = re.sub(r"\s+", "", str(reference or "")).upper()
        if not REFERENCE.fullmatch(cleaned):
            raise ValidationError(
                {"reference": ["Nomor referensi transfer 6–60 karakter: huruf, angka, garis miring, titik atau minus."]}
            )
        return cleaned


def get_backend():
    return import_string(settings.KC_PAYMENT_BACKEND)()
