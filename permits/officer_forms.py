"""The forms behind the buttons of an application's page for officers (permits.views.officer).

They only translate input: fields are optional on purpose, so that permits.actions says what is missing,
in the same words for the web pages and the API.
"""

from django import forms

from permits import actions


class ActionForm(forms.Form):
    def __init__(self, *args, application, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.user = user


def long_text(label, help_text="", rows=3):
    return forms.CharField(
        label=label, help_text=help_text, required=False, widget=forms.Textarea(attrs={"rows": rows})
    )


class ConfirmForm(ActionForm):
    pass


class ReasonForm(ActionForm):
    reason = long_text("Alasan", "Alasan ini dikirim kepada pemohon dan tercatat pada riwayat permohonan.")


class ReturnForm(ActionForm):
    reason = long_text(
        "Alasan pengembalian", "Apa yang perlu diperiksa ulang pada langkah sebelumnya? Tercatat pada riwayat."
    )


class RevokeForm(ActionForm):
    reason = long_text(
        "Alasan pencabutan", "Dikirim kepada pemegang izin; sertifikatnya akan terverifikasi sebagai dicabut."
    )


class AssignForm(ActionForm):
    officer = forms.IntegerField(label="Petugas", required=False, widget=forms.Select)

    def __init__(self, *args, application, user=None, **kwargs):
        super().__init__(*args, application=application, user=user, **kwargs)
        colleagues = colleagues_for(application, user)
        self.fields["officer"].widget.choices = [("", "Pilih petugas")] + [
            (officer.pk, officer.full_name) for officer in colleagues
        ]


def colleagues_for(application, user):
    """Whom the step can be given to: its OPD's officers with its role, not its holder nor the one giving it."""
    colleagues = actions.step_handlers(application).exclude(pk=application.holder_id)
    if user is not None:
        colleagues = colleagues.exclude(pk=user.pk)
    return colleagues.order_by("full_name")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.Field):
    """The uploads as a list; permits.actions (through core.photos) checks each one by its content."""

    widget = MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, value):
        return list(value or [])


class ForwardForm(ActionForm):
    note = long_text("Catatan untuk langkah berikutnya", "Tercatat pada riwayat langkah; tidak wajib.")

    def __init__(self, *args, application, user=None, **kwargs):
        super().__init__(*args, application=application, user=user, **kwargs)
        step = application.current_step or {}
        if step.get("findings"):
            self.fields["findings"] = long_text(
                "Hasil pemeriksaan", f"Wajib: apa yang ditemukan pada langkah '{step['name']}'.", rows=5
            )
        if step.get("survey"):
            self.fields["photos"] = PhotosField(
                label="Foto survei lapangan",
                required=False,
                help_text=f"JPEG, PNG atau WebP, paling banyak {actions.MAX_SURVEY_PHOTOS} foto; "
                "data lokasi dan kamera di dalam foto dihapus.",
            )


class RequestDocumentsForm(ActionForm):
    reason = long_text(
        "Yang perlu dilengkapi", "Dikirim kepada pemohon. Waktu proses dihentikan sampai pemohon melengkapinya."
    )
    requirements = forms.MultipleChoiceField(
        label="Dokumen yang harus diunggah ulang",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Pemohon baru dapat mengajukan kembali setelah melampirkan dokumen baru untuk setiap yang dicentang.",
        error_messages={"invalid_choice": "Pilih persyaratan dari daftar jenis izin ini."},
    )

    def __init__(self, *args, application, user=None, **kwargs):
        super().__init__(*args, application=application, user=user, **kwargs)
        requirements = application.permit_type.documents_for(application.applicant_kind())
        self.fields["requirements"].choices = [(doc["code"], doc["name"]) for doc in requirements]


class PaymentForm(ActionForm):
    payment = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PaymentRejectForm(PaymentForm):
    reason = long_text(
        "Alasan", "Mis. referensi tidak ditemukan pada rekening kas daerah. Dikirim kepada pemohon.", rows=2
    )
