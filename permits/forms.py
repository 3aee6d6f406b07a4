"""HTML forms of the applicant's and the public e-Perizinan pages: they collect input; permits.actions decides.

The forms check shape only (a choice from the list, a file where a file belongs). Every rule about an
application (required answers, numbers, dates, documents' format and size, who may apply for what) is in
permits.actions; its ValidationError is put next to the field it concerns (`add_action_errors`).

Field names: a form answer is "isian_<code>", a requirement's document from the library "pilih_<code>"
and a newly uploaded file for it "berkas_<code>", so the permit type's codes never clash with the form's
own fields.
"""

from django import forms
from django.template.defaultfilters import filesizeformat

from permits.models import DocumentKind, parse_registration_number
from permits.skm import ELEMENTS

FIELD_PREFIX = "isian_"
CHOOSE_PREFIX = "pilih_"
FILE_PREFIX = "berkas_"
PERSON = "person"
COMPANY_PREFIX = "company-"
ACCEPT = {"pdf": ".pdf,application/pdf", "jpg": ".jpg,.jpeg,image/jpeg", "png": ".png,image/png"}
REGISTRATION_EXAMPLE = "REG-2026-000123"


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Cari jenis izin",
        required=False,
        max_length=100,
        help_text="Nama atau singkatan izin, misalnya SIUP, reklame, praktik.",
        error_messages={"max_length": "Kata pencarian paling panjang 100 karakter."},
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class TrackingForm(forms.Form):
    nomor = forms.CharField(
        label="Nomor registrasi",
        max_length=40,
        help_text=f"Seperti tertulis pada bukti pengajuan, misalnya {REGISTRATION_EXAMPLE}.",
        error_messages={
            "required": "Tuliskan nomor registrasi permohonan.",
            "max_length": f"Nomor registrasi berbentuk seperti {REGISTRATION_EXAMPLE}.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def clean_nomor(self):
        number = parse_registration_number(self.cleaned_data["nomor"])
        if number is None:
            raise forms.ValidationError(
                f"Nomor registrasi berbentuk REG-tahun-nomor urut, misalnya {REGISTRATION_EXAMPLE}."
            )
        return number


def add_action_errors(form, error, names=None):
    """Put an action's ValidationError onto the form: `names` maps an action's key to form field names
    (default: the key itself); keys the form has no field for become errors of the whole form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        targets = [name for name in (names or {}).get(key, [key]) if name in form.fields]
        if not targets:
            form.add_error(None, messages)
            continue
        for name in targets:
            if not form.has_error(name):
                form.add_error(name, messages)


# --- Applying: the applicant, the permit type's form and its documents -------------------------


def answer_field(field):
    """A form field for one of the permit type's questions. Nothing is required here: a draft may be
    incomplete, and the action says what a submission still lacks."""
    label = field["label"] + (" (wajib)" if field.get("required") else "")
    options = {"label": label, "required": False, "help_text": field.get("help", "")}
    kind = field["type"]
    if kind == "choice":
        return forms.ChoiceField(
            choices=[("", "Pilih salah satu")] + [(choice, choice) for choice in field["choices"]],
            error_messages={"invalid_choice": f"Pilih {field['label']} dari pilihan yang tersedia."},
            **options,
        )
    if kind == "number":
        widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    elif kind == "date":
        widget = forms.DateInput(attrs={"type": "date"})
    elif field.get("max_length", 0) > 300:
        widget = forms.Textarea(attrs={"rows": 4, "maxlength": field["max_length"]})
    else:
        widget = forms.TextInput(attrs={"maxlength": field.get("max_length", 300)})
    return forms.CharField(widget=widget, strip=False, **options)


def formats_text(formats):
    return ", ".join(DocumentKind(f).label for f in formats)


class ApplicationForm(forms.Form):
    """A draft's applicant, answers and documents, as one form (it works without JavaScript)."""

    applicant = forms.ChoiceField(
        label="Diajukan atas nama",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Pilih diri Anda sendiri atau salah satu badan usaha Anda."},
    )

    def __init__(self, *args, permit_type, companies, documents, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.permit_type = permit_type
        self.companies = list(companies)
        choices = []
        if permit_type.accepts("person"):
            choices.append((PERSON, "Diri saya sendiri (perorangan)"))
        if permit_type.accepts("company"):
            choices += [(f"{COMPANY_PREFIX}{c.pk}", f"{c.name} (NIB {c.nib})") for c in self.companies]
        self.fields["applicant"].choices = choices
        if application is not None:
            self.initial["applicant"] = (
                f"{COMPANY_PREFIX}{application.company_id}" if application.company_id else PERSON
            )
        elif choices:
            self.initial["applicant"] = choices[0][0]
        for field in permit_type.form_fields:
            self.fields[FIELD_PREFIX + field["code"]] = answer_field(field)
            if application is not None and field["code"] in application.form_data:
                self.initial[FIELD_PREFIX + field["code"]] = application.form_data[field["code"]]
        self.attached = {}
        if application is not None:
            self.attached = {a.requirement: a.document for a in application.attachments.select_related("document")}
        self.requirements = list(permit_type.required_documents)
        for requirement in self.requirements:
            add_document_fields(self, requirement, documents, self.attached.get(requirement["code"]))

    def chosen_company_id(self):
        value = self.cleaned_data.get("applicant") or ""
        return int(value.removeprefix(COMPANY_PREFIX)) if value.startswith(COMPANY_PREFIX) else None

    def chose_person(self):
        return self.cleaned_data.get("applicant") == PERSON

    def form_data(self):
        """The answers as typed (keyed by the permit type's codes): the action types and checks them."""
        return {
            field["code"]: self.data.get(FIELD_PREFIX + field["code"], "")
            for field in self.permit_type.form_fields
            if FIELD_PREFIX + field["code"] not in self.errors
        }

    def answer_fields(self):
        return [self[FIELD_PREFIX + field["code"]] for field in self.permit_type.form_fields]

    def document_rows(self):
        return document_rows(self, self.requirements, self.attached)

    def error_names(self):
        """Where each of the action's error keys belongs on this form (a code can be a field and a document)."""
        names = {"company": ["applicant"]}
        for field in self.permit_type.form_fields:
            names.setdefault(field["code"], []).append(FIELD_PREFIX + field["code"])
        for requirement in self.requirements:
            names.setdefault(requirement["code"], []).append(FILE_PREFIX + requirement["code"])
        return names


def add_document_fields(form, requirement, documents, attached):
    """The two ways to supply a requirement: one of the applicant's documents, or a new upload."""
    code, formats = requirement["code"], requirement["formats"]
    fitting = [d for d in documents if d.kind in formats]
    empty = "Tidak diubah" if attached is not None else "Pilih dari Dokumen saya"
    form.fields[CHOOSE_PREFIX + code] = forms.ChoiceField(
        label=f"{requirement['name']}: pilih dari Dokumen saya",
        required=False,
        choices=[("", empty)] + [(str(d.pk), document_label(d)) for d in fitting],
        error_messages={"invalid_choice": "Pilih dokumen dari daftar Dokumen saya."},
    )
    form.fields[FILE_PREFIX + code] = forms.FileField(
        label=f"{requirement['name']}: atau unggah berkas baru",
        required=False,
        help_text=f"Format {formats_text(formats)}, paling besar {requirement.get('max_mb', 5)} MB.",
        error_messages={"invalid": "Berkas tidak terbaca; pilih ulang berkasnya.", "empty": "Berkas ini kosong."},
        widget=forms.FileInput(attrs={"accept": ",".join(ACCEPT[f] for f in formats)}),
    )


def document_label(document):
    return (
        f"{document.name} ({document.get_kind_display()}, {filesizeformat(document.size)}, "
        f"diunggah {document.uploaded_at:%d-%m-%Y})"
    )


def document_rows(form, requirements, attached):
    """[(requirement, attached document or None, choose field, file field)] for the template."""
    return [
        (r, attached.get(r["code"]), form[CHOOSE_PREFIX + r["code"]], form[FILE_PREFIX + r["code"]])
        for r in requirements
    ]


class CompletionForm(forms.Form):
    """Replacing documents while the application waits on the applicant, then sending it back."""

    note = forms.CharField(
        label="Catatan untuk petugas (tidak wajib)",
        required=False,
        help_text="Misalnya: KTP sudah diganti dengan hasil pindaian yang jelas.",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )

    def __init__(self, *args, application, requirements, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.attached = {a.requirement: a.document for a in application.attachments.select_related("document")}
        requested = set(application.requested_documents)
        # The requested documents first, then the others (any of them may be replaced).
        self.requirements = sorted(requirements, key=lambda r: r["code"] not in requested)
        self.requested = requested
        for requirement in self.requirements:
            add_document_fields(self, requirement, documents, self.attached.get(requirement["code"]))

    def document_rows(self):
        return document_rows(self, self.requirements, self.attached)

    def error_names(self):
        return {r["code"]: [FILE_PREFIX + r["code"]] for r in self.requirements}


# --- The applicant's documents and companies ---------------------------------------------------


class DocumentUploadForm(forms.Form):
    name = forms.CharField(
        label="Nama dokumen",
        max_length=200,
        required=False,
        help_text="Agar mudah Anda kenali, misalnya: KTP, NPWP, Akta pendirian. Kosong: nama berkasnya.",
        error_messages={"max_length": "Nama dokumen paling panjang 200 karakter."},
    )
    file = forms.FileField(
        label="Berkas",
        help_text="PDF, JPEG atau PNG. Isi berkas diperiksa; berkas yang sama hanya disimpan sekali.",
        error_messages={
            "required": "Pilih berkas yang akan diunggah.",
            "invalid": "Berkas tidak terbaca; pilih ulang berkasnya.",
            "empty": "Berkas ini kosong.",
        },
        widget=forms.FileInput(attrs={"accept": ",".join(ACCEPT.values())}),
    )


class CompanyForm(forms.Form):
    name = forms.CharField(label="Nama badan usaha", required=False, widget=forms.TextInput(attrs={"maxlength": 200}))
    nib = forms.CharField(
        label="NIB",
        required=False,
        help_text="Nomor Induk Berusaha dari OSS, 13 angka.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    npwp = forms.CharField(
        label="NPWP badan usaha (tidak wajib)",
        required=False,
        help_text="15 atau 16 angka; titik dan tanda minus boleh.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    address = forms.CharField(label="Alamat", required=False, widget=forms.TextInput(attrs={"maxlength": 300}))


# --- After submission: payment, withdrawal, the satisfaction survey ----------------------------


class PaymentForm(forms.Form):
    reference = forms.CharField(
        label="Nomor referensi transfer",
        required=False,
        help_text="Tertulis pada bukti transfer dari bank Anda (struk ATM, m-banking atau teller).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "maxlength": 80}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Alasan pembatalan (tidak wajib)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


class SurveyForm(forms.Form):
    """The nine SKM elements of PermenPANRB 14/2017, each answered 1–4, and a suggestion."""

    comment = forms.CharField(
        label="Saran dan masukan (tidak wajib)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for number, (code, element, question, answers) in enumerate(ELEMENTS, start=1):
            fields[code] = forms.ChoiceField(
                label=f"{number}. {element}",
                help_text=question,
                required=False,
                choices=[(str(value), f"{text} ({value})") for value, text in enumerate(answers, start=1)],
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Pilih salah satu jawaban (nilai 1 sampai 4)."},
            )
        # The elements in the regulation's order, the suggestion last.
        self.fields = {**fields, "comment": self.fields["comment"]}

    def elements(self):
        return [self[code] for code, *_ in ELEMENTS]

    def answers(self):
        return {code: self.data.get(code) for code, *_ in ELEMENTS}
