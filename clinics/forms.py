"""HTML forms of e-Dokter's citizen and public pages: they collect input; clinics.actions decides.

The forms check shape only (a choice from the list, a date that is a date). Every rule about a booking
(free places, the day's one booking per poli, BPJS and referral numbers, the cut-off, a family member's
NIK) is in clinics.actions; its ValidationError is put next to the field it concerns (`add_action_errors`).
"""

from django import forms

from clinics.models import PaymentType, Relation

SELF = "diri"
MEMBER_PREFIX = "keluarga-"


def add_action_errors(form, error, names=None):
    """Put an action's ValidationError onto the form: `names` maps an action's key to a form field name
    (default: the key itself); keys the form has no field for become errors of the whole form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        name = (names or {}).get(key, key)
        if name in form.fields and not form.has_error(name):
            form.add_error(name, messages)
        else:
            form.add_error(None, messages)


class FindForm(forms.Form):
    """Search and filters of the public "find a poli or doctor" page."""

    q = forms.CharField(
        label="Cari poli atau dokter",
        required=False,
        max_length=100,
        help_text="Nama poli atau nama dokter, misalnya anak, gigi, Lubis.",
        error_messages={"max_length": "Kata pencarian paling panjang 100 karakter."},
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    fasilitas = forms.ChoiceField(
        label="Rumah sakit / puskesmas",
        required=False,
        error_messages={"invalid_choice": "Pilih rumah sakit atau puskesmas dari daftar."},
    )
    poli = forms.ChoiceField(
        label="Poli",
        required=False,
        error_messages={"invalid_choice": "Pilih poli dari daftar."},
    )

    def __init__(self, *args, facilities, poli_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fasilitas"].choices = [("", "Semua")] + [(f.code, f.name) for f in facilities]
        self.fields["poli"].choices = [("", "Semua poli")] + list(poli_choices)


class DoctorFilterForm(forms.Form):
    """The optional doctor filter of a poli's free-capacity page (?dokter=<id>)."""

    dokter = forms.ChoiceField(
        label="Dokter",
        required=False,
        error_messages={"invalid_choice": "Dokter ini tidak praktik di poli ini; pilih dari daftar."},
    )

    def __init__(self, *args, practitioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dokter"].choices = [("", "Semua dokter")] + [(str(p.pk), p.name) for p in practitioners]


class BookingForm(forms.Form):
    """Who is to be seen and how they pay; the numbers are checked by clinics.actions.do_book."""

    patient = forms.ChoiceField(
        label="Pasien",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Pilih untuk siapa pendaftaran ini.",
            "invalid_choice": "Pilih diri Anda sendiri atau anggota keluarga yang Anda daftarkan.",
        },
    )
    payment_type = forms.ChoiceField(
        label="Cara bayar",
        widget=forms.RadioSelect,
        choices=PaymentType.choices,
        error_messages={
            "required": "Pilih cara bayar: JKN (BPJS Kesehatan) atau umum.",
            "invalid_choice": "Pilih cara bayar: JKN (BPJS Kesehatan) atau umum.",
        },
    )
    bpjs_number = forms.CharField(
        label="Nomor kartu BPJS Kesehatan",
        required=False,
        max_length=20,
        help_text="13 angka pada kartu JKN-KIS. Hanya untuk pasien JKN.",
        error_messages={"max_length": "Nomor kartu BPJS Kesehatan terdiri dari 13 angka."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    referral_number = forms.CharField(
        label="Nomor rujukan",
        required=False,
        max_length=40,
        error_messages={"max_length": "Nomor rujukan terdiri dari 10–25 huruf dan angka."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, user, members, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {f"{MEMBER_PREFIX}{m.pk}": m for m in members}
        self.fields["patient"].choices = [(SELF, f"Saya sendiri ({user.full_name})")] + [
            (key, f"{m.name} ({m.get_relation_display().lower()})") for key, m in self.members.items()
        ]
        self.initial.setdefault("patient", SELF)
        if clinic.referral_required:
            self.fields[
                "referral_number"
            ].help_text = (
                f"Wajib untuk pasien JKN di {clinic.name}: nomor surat rujukan dari puskesmas atau klinik Anda."
            )
        else:
            self.fields["referral_number"].help_text = f"Tidak wajib di {clinic.name}; isi bila Anda punya rujukan."

    def family_member(self):
        """The chosen family member, or None for the citizen themself."""
        return self.members.get(self.cleaned_data.get("patient") or "")


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Alasan pembatalan (tidak wajib)",
        required=False,
        max_length=300,
        help_text="Membantu rumah sakit merencanakan jadwal.",
        error_messages={"max_length": "Alasan paling panjang 300 karakter."},
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
    )


class RescheduleForm(forms.Form):
    """The new session: one of the poli's bookable sessions (the action checks its free places again)."""

    session = forms.ChoiceField(
        label="Sesi baru",
        error_messages={
            "required": "Pilih sesi baru.",
            "invalid_choice": "Sesi ini tidak dapat dipilih lagi; pilih sesi lain dari daftar.",
        },
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = {str(s.pk): s for s in sessions}
        self.fields["session"].choices = [(key, str(s)) for key, s in self.sessions.items()]

    def chosen(self):
        return self.sessions.get(self.cleaned_data.get("session") or "")


class FamilyMemberForm(forms.Form):
    nik = forms.CharField(
        label="NIK",
        max_length=20,
        help_text="16 angka pada KTP atau Kartu Keluarga.",
        error_messages={"required": "NIK wajib diisi.", "max_length": "NIK terdiri dari 16 angka."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(
        label="Nama lengkap",
        max_length=150,
        error_messages={"required": "Nama lengkap wajib diisi.", "max_length": "Nama paling panjang 150 karakter."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    relation = forms.ChoiceField(
        label="Hubungan dengan Anda",
        choices=[("", "Pilih salah satu")] + Relation.choices,
        error_messages={
            "required": "Pilih hubungan keluarga.",
            "invalid_choice": "Pilih hubungan keluarga dari pilihan yang tersedia.",
        },
    )
    birth_date = forms.DateField(
        label="Tanggal lahir (tidak wajib)",
        required=False,
        help_text="Bila diisi, dicocokkan dengan tanggal lahir pada NIK.",
        error_messages={"invalid": "Tulis tanggal lahir yang benar."},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
