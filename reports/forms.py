"""HTML forms of the citizen pages: they collect input; reports.actions decides.

The form's own checks are about shape only (a number where a number belongs,
a choice from the list); every rule about a report (length, city boundary,
photos, the category's attributes) is `reports.actions.check_submission`,
whose errors are put next to the fields they concern.
"""

from django import forms

from reports.actions import MAX_DESCRIPTION

# The report form is split around the suggestions panel (which holds forms of its own, and forms
# cannot nest): the controls after the panel join the report form through the `form` attribute.
REPORT_FORM_ID = "laporan-baru"
ATTRIBUTE_PREFIX = "atribut"
# Where an action's error key is not a form field of the same name.
ACTION_ERROR_FIELDS = {"location": "lat"}


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files under one name; their content is checked by core.photos, not here."""

    widget = MultiplePhotoInput

    def clean(self, data, initial=None):
        if not data:
            return []
        return list(data) if isinstance(data, list | tuple) else [data]


class CoordinateField(forms.FloatField):
    """A decimal degree; a decimal comma (3,6005) is read as a point."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


def coordinate_field(label, example):
    return CoordinateField(
        label=label,
        required=False,
        # Whether the point lies in the city is the action's rule (city boundary), not a range here.
        error_messages={"invalid": f"Tulis {label.lower()} sebagai angka desimal, misalnya {example}."},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}),
    )


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label="Kategori masalah",
        required=False,
        error_messages={"invalid_choice": "Pilih kategori laporan yang tersedia."},
    )
    kelurahan = forms.ChoiceField(
        label="Kelurahan",
        required=False,
        help_text="Kelurahan tempat masalah berada.",
        error_messages={"invalid_choice": "Pilih kelurahan dari daftar."},
    )
    lat = coordinate_field("Lintang", "3.6005")
    lon = coordinate_field("Bujur", "98.4858")
    address = forms.CharField(
        label="Alamat atau patokan lokasi",
        required=False,
        help_text="Misalnya: Jl. Sudirman depan SD Negeri 1. Wajib jika titik lokasi tidak ditandai.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "maxlength": 300}),
    )
    description = forms.CharField(
        label="Uraian masalah",
        required=False,
        strip=False,
        help_text=(
            f"Jelaskan masalahnya: apa, sejak kapan, seberapa mengganggu. Paling banyak {MAX_DESCRIPTION} karakter."
        ),
        widget=forms.Textarea(attrs={"rows": 6, "data-max-length": MAX_DESCRIPTION}),
    )
    photos = PhotosField(
        label="Foto (tidak wajib)",
        required=False,
        help_text="Paling banyak 5 foto JPEG, PNG atau WebP. Data lokasi dan kamera di dalam foto dihapus otomatis.",
        widget=MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp", "form": REPORT_FORM_ID}),
    )
    anonymous = forms.BooleanField(
        label="Sembunyikan nama saya dari publik",
        required=False,
        help_text="Nama Anda tetap diketahui petugas yang menangani laporan, tetapi tidak ditampilkan kepada publik.",
        widget=forms.CheckboxInput(attrs={"form": REPORT_FORM_ID}),
    )

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(city.report_categories.filter(active=True).order_by("group", "name"))
        self.fields["category"].choices = [("", "Pilih kategori")] + grouped(
            self.categories, lambda c: c.group, lambda c: (c.code, c.name)
        )
        kelurahan = [k for kecamatan in city.kecamatan.prefetch_related("kelurahan") for k in kecamatan.kelurahan.all()]
        self.fields["kelurahan"].choices = [("", "Pilih kelurahan")] + grouped(
            sorted(kelurahan, key=lambda k: (k.kecamatan.name, k.name)),
            lambda k: f"Kecamatan {k.kecamatan.name}",
            lambda k: (str(k.pk), k.name),
        )
        self.attribute_names = {}  # (category code, attribute code) → form field name
        for category in self.categories:
            for attribute in sorted(category.attributes, key=lambda a: a.get("order", 0)):
                name = f"{ATTRIBUTE_PREFIX}-{category.code}-{attribute['code']}"
                self.fields[name] = attribute_field(attribute)
                self.attribute_names[category.code, attribute["code"]] = name

    def attribute_groups(self):
        """[(category, [bound fields])] for the categories that ask more questions."""
        groups = []
        for category in self.categories:
            names = [name for (code, _), name in self.attribute_names.items() if code == category.code]
            if names:
                groups.append((category, [self[name] for name in names]))
        return groups

    def has_location_error(self):
        return self.has_error("lat") or self.has_error("lon")

    def value(self, name):
        """The cleaned value where the form accepted it, else what was typed (the action explains the problem)."""
        cleaned = getattr(self, "cleaned_data", {})
        if name in cleaned:
            return cleaned[name]
        if name in self.errors:
            return None
        return self.data.get(name, "")

    def selected_category(self):
        return self.value("category") or ""

    def submission_values(self):
        """Keyword arguments for reports.actions.check_submission / do_submit_report."""
        category = self.selected_category()
        attributes = {}
        for (code, attribute_code), name in self.attribute_names.items():
            if code == category:
                field = self.fields[name]
                if isinstance(field, forms.MultipleChoiceField):
                    attributes[attribute_code] = self.data.getlist(name)
                else:
                    attributes[attribute_code] = self.data.get(name, "")
        return {
            "category_code": category,
            "description": self.data.get("description", ""),
            "kelurahan_id": self.value("kelurahan") or None,
            "lat": self.value("lat"),
            "lon": self.value("lon"),
            "address": self.data.get("address", ""),
            "photos": self.files.getlist("photos") if self.files else [],
            "attributes": attributes,
        }

    def add_action_errors(self, error):
        """Put reports.actions' ValidationError next to the fields it is about."""
        category = self.selected_category()
        for key, messages in error.message_dict.items():
            if key.startswith("attribute[") and key.endswith("]"):
                field = self.attribute_names.get((category, key[len("attribute[") : -1]))
            else:
                field = ACTION_ERROR_FIELDS.get(key, key)
            if field not in self.fields:
                field = None
            elif self.has_error(field):
                continue  # the form already said what is wrong here
            self.add_error(field, messages)


def grouped(items, group_of, choice_of):
    """Choices with optgroups, in the order the items come."""
    groups = {}
    for item in items:
        groups.setdefault(group_of(item), []).append(choice_of(item))
    return list(groups.items())


def attribute_field(attribute):
    """A form field for one Open311 attribute of a category; the answer is checked by the action."""
    label = attribute.get("description") or attribute["code"]
    if attribute.get("required"):
        label = f"{label} (wajib)"
    datatype = attribute["datatype"]
    options = {"label": label, "required": False}
    if datatype in {"singlevaluelist", "multivaluelist"}:
        options["choices"] = [(value["key"], value["name"]) for value in attribute.get("values", [])]
        options["error_messages"] = {"invalid_choice": "Pilih jawaban dari pilihan yang tersedia."}
        if datatype == "singlevaluelist":
            return forms.ChoiceField(widget=forms.RadioSelect, **options)
        return forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, **options)
    widgets = {
        "text": forms.Textarea(attrs={"rows": 3}),
        "number": forms.TextInput(attrs={"inputmode": "decimal"}),
        "datetime": forms.DateTimeInput(attrs={"type": "datetime-local"}),
    }
    return forms.CharField(widget=widgets.get(datatype, forms.TextInput()), **options)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Alasan belum puas",
        required=False,
        help_text="Jelaskan apa yang belum selesai; laporan akan dikembalikan ke OPD.",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


STARS = [
    (1, "1 bintang (sangat tidak puas)"),
    (2, "2 bintang (tidak puas)"),
    (3, "3 bintang (cukup)"),
    (4, "4 bintang (puas)"),
    (5, "5 bintang (sangat puas)"),
]


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Nilai tanggapan",
        choices=STARS,
        coerce=int,
        required=False,
        error_messages={"invalid_choice": "Beri nilai 1 sampai 5 bintang."},
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Komentar (tidak wajib)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )
