"""The public verification pages (no login): by number, by the QR code's link, and the public key.

Anyone holding a paper can check it here: the page says whether it is genuine and valid,
expired, revoked or unknown, and shows what the genuine certificate says so that a
forged or altered paper can be told apart.
"""

from urllib.parse import urlencode

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from certificates import actions
from certificates.models import NUMBER_MAX_LENGTH, normalize_number

EXAMPLE = "DPMPTSP/SIUP/2026/000123"


class VerificationForm(forms.Form):
    nomor = forms.CharField(
        label="Nomor sertifikat",
        max_length=NUMBER_MAX_LENGTH,
        help_text=f"Seperti tertulis pada dokumen, misalnya {EXAMPLE}.",
        error_messages={
            "required": "Tuliskan nomor sertifikat.",
            "max_length": f"Nomor sertifikat paling panjang {NUMBER_MAX_LENGTH} karakter.",
        },
    )
    kode = forms.CharField(
        label="Kode verifikasi (bila ada)",
        required=False,
        max_length=actions.CODE_MAX_LENGTH,
        help_text="Tertulis di kotak keterangan pada dokumen; tidak wajib.",
        error_messages={"max_length": "Kode verifikasi terlalu panjang."},
    )

    def clean_nomor(self):
        number = normalize_number(self.cleaned_data["nomor"])
        if number is None:
            raise forms.ValidationError(
                f"Nomor sertifikat hanya berisi huruf, angka, '/', '.', '-' atau '_' (contoh: {EXAMPLE})."
            )
        return number


def _private(response):
    # The status can change (revocation) and the link may carry the code: no shared caches, no search engines.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def pdf_response(certificate):
    """The certificate as a PDF download, for the views of the service that issued it (after their own
    permission check): never cached, named after its number."""
    response = HttpResponse(actions.render_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number.replace("/", "-")}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def verification_form(request):
    if "nomor" not in request.GET:
        return _private(render(request, "certificates/verify_form.html", {"form": VerificationForm()}))
    form = VerificationForm(request.GET)
    if not form.is_valid():
        return _private(render(request, "certificates/verify_form.html", {"form": form}))
    url = reverse("certificates:verify", args=[form.cleaned_data["nomor"]])
    if form.cleaned_data["kode"].strip():
        url += "?" + urlencode({"kode": form.cleaned_data["kode"].strip()})
    return redirect(url)


@require_safe
def verify_page(request, number):
    code = request.GET.get("kode")
    result = actions.verify(number, code)
    context = {
        "result": result,
        "certificate": result.certificate,
        "from_qr": bool(code),
        "form": VerificationForm(initial={"nomor": result.number}),
    }
    if result.certificate is not None:
        context["signed_content"] = result.certificate.canonical_content().decode("utf-8")
    status = 404 if result.status == "unknown" else 200
    return _private(render(request, "certificates/verify_result.html", context, status=status))


@require_safe
def public_key(request):
    """The public half of the signing key (then those of retired keys), so anyone can check a certificate's
    signature offline: the certificate's key_id says which key signed it."""
    response = HttpResponse(actions.public_key_pem(), content_type="application/x-pem-file; charset=us-ascii")
    response["Content-Disposition"] = 'inline; filename="kunci-publik.pem"'
    response["Cache-Control"] = "public, max-age=3600"
    return response
