"""The forms of e-Dokter's hospital staff pages (clinics.views.staff).

They only translate input: most fields are optional on purpose, so that clinics.actions says what is missing
or wrong, in the same words for the pages and the API.
"""

from django import forms

from clinics.models import ExceptionReason, PaymentType


class CheckInForm(forms.Form):
    code = forms.CharField(
        label="Kode booking",
        max_length=40,
        required=False,
        help_text="Ketik kode 8 karakter dari pasien, atau pindai kode QR-nya (pemindai genggam mengetik kodenya "
        "lalu Enter).",
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "class": "code-input",
            }
        ),
    )
    facility = forms.TypedChoiceField(label="Fasilitas", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.facilities = {facility.pk: facility for facility in facilities}
        field = self.fields["facility"]
        field.choices = [("", "Semua fasilitas saya")] + [(pk, f.name) for pk, f in self.facilities.items()]
        field.error_messages["invalid_choice"] = "Pilih fasilitas tempat Anda bertugas."
        if len(self.facilities) < 2:
            field.widget = forms.HiddenInput()

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code:
            raise forms.ValidationError("Isi kode booking pasien.")
        return code

    def chosen_facility(self):
        pk = self.cleaned_data.get("facility")
        if pk is None and len(self.facilities) == 1:
            return next(iter(self.facilities.values()))
        return self.facilities.get(pk)


class WalkInForm(forms.Form):
    nik = forms.CharField(
        label="NIK pasien",
        max_length=20,
        required=False,
        help_text="16 angka sesuai KTP atau KK; pasien dari luar kota juga dilayani.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label="Nama lengkap pasien", max_length=150, required=False)
    payment_type = forms.ChoiceField(
        label="Cara bayar",
        choices=PaymentType.choices,
        initial=PaymentType.GENERAL,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Pilih cara bayar: JKN (BPJS Kesehatan) atau umum."},
    )
    bpjs_number = forms.CharField(
        label="Nomor kartu BPJS Kesehatan",
        max_length=20,
        required=False,
        help_text="Untuk pasien JKN: 13 angka.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    referral_number = forms.CharField(
        label="Nomor rujukan",
        max_length=40,
        required=False,
        help_text="Untuk pasien JKN di poli yang mensyaratkan rujukan.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label="Alasan pembatalan",
        max_length=300,
        required=False,
        help_text="Dikirim lewat SMS kepada setiap pasien yang terdaftar, bersama sesi berikutnya yang masih ada "
        "tempat.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExceptionForm(forms.Form):
    date = forms.DateField(
        label="Tanggal",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Isi tanggal.", "invalid": "Tanggal tidak valid."},
    )
    reason = forms.ChoiceField(
        label="Alasan",
        choices=ExceptionReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Pilih alasan.", "invalid_choice": "Pilih alasan dari pilihan yang tersedia."},
    )
    schedule = forms.TypedChoiceField(
        label="Jadwal",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Kosongkan bila dokter tidak praktik sama sekali pada hari itu.",
    )
    note = forms.CharField(
        label="Catatan",
        max_length=300,
        required=False,
        help_text="Tidak wajib; bila diisi, catatan ini yang dikirim kepada pasien sebagai alasan.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, practitioner, **kwargs):
        super().__init__(*args, **kwargs)
        self.schedules = {
            s.pk: s for s in practitioner.schedules.filter(active=True).select_related("clinic").order_by("weekday")
        }
        field = self.fields["schedule"]
        field.choices = [("", "Semua jadwal pada hari itu")] + [
            (pk, f"{s.clinic.name}, {s.get_weekday_display()} {s.start:%H.%M}–{s.end:%H.%M}")
            for pk, s in self.schedules.items()
        ]
        field.error_messages["invalid_choice"] = "Pilih jadwal dokter ini."

    def chosen_schedule(self):
        return self.schedules.get(self.cleaned_data.get("schedule"))
