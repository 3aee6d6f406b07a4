"""The city admin's view of accounts: NIKs masked, officers created through accounts.actions, changes audited."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models, transaction

from accounts.actions import check_officer, do_create_officer
from accounts.models import Role, User
from audit.events import record
from cities.models import Opd, current_city


class OfficerCreationForm(forms.ModelForm):
    """New officer accounts; the rules are accounts.actions.check_officer's."""

    nip = forms.CharField(label="NIP", max_length=18, help_text="18 digit angka.")
    opd = forms.ModelChoiceField(label="OPD", queryset=Opd.objects.none())
    role = forms.ChoiceField(label="Peran", choices=Role.choices)
    # Longer than the stored form: "+62 813-0000-0009" is normalised by check_officer.
    phone = forms.CharField(label="Nomor HP", max_length=20, required=False)
    password1 = forms.CharField(label="Kata sandi", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="Ulangi kata sandi", strip=False, widget=forms.PasswordInput)

    # Where check_officer's field names differ from this form's.
    _ERROR_FIELDS = {"password": "password1"}

    class Meta:
        model = User
        fields = ["full_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        city = current_city()
        self.fields["opd"].queryset = city.opds.order_by("short_name") if city else Opd.objects.none()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") != cleaned["password1"]:
            self.add_error("password2", "Kedua kata sandi tidak sama.")
        if any(name not in cleaned for name in ("nip", "full_name", "opd", "role", "password1")):
            return cleaned  # each missing field already carries its own error
        try:
            self.officer = check_officer(
                nip=cleaned["nip"],
                full_name=cleaned["full_name"],
                opd_code=cleaned["opd"].code,
                role=cleaned["role"],
                phone=cleaned.get("phone", ""),
                email=cleaned.get("email", ""),
                password=cleaned["password1"],
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                name = self._ERROR_FIELDS.get(field, field)
                self.add_error(name if name in self.fields else None, messages)
        return cleaned


def _plain(value):
    """A form value as the audit trail stores it: objects by primary key."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | models.QuerySet):
        return sorted(_plain(item) for item in value)
    return value


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    add_form = OfficerCreationForm
    add_fieldsets = [
        (None, {"fields": ["nip", "full_name", "opd", "role", "phone", "email", "password1", "password2"]})
    ]
    # The NIK never appears in full here, and cannot be searched for: a search puts it in the URL.
    list_display = ["full_name", "identity", "kind", "opd", "role", "is_active", "locked_until"]
    list_filter = ["kind", "role", "opd", "is_active"]
    search_fields = ["full_name", "email", "phone"]
    ordering = ["full_name"]
    readonly_fields = ["identity", "kind", "phone_verified_at", "email_verified_at", "date_joined", "last_login"]
    filter_horizontal = ["groups", "user_permissions"]

    @admin.display(description="NIK/NIP")
    def identity(self, user):
        return user.masked_nik if user.is_citizen else user.login_id

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        contact = ["full_name", "phone", "phone_verified_at", "email", "email_verified_at"]
        fieldsets = [(None, {"fields": ["identity", "kind", *contact]})]
        if obj.is_officer:
            fieldsets.append(("Jabatan", {"fields": ["opd", "role"]}))
        fieldsets.append(
            ("Masuk", {"fields": ["is_active", "locked_until", "failed_logins", "last_login", "date_joined"]})
        )
        fieldsets.append(("Hak akses admin", {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]}))
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            # fields=None: the creation form's own Meta decides which model fields it fills; the
            # others (NIP, phone, OPD, role) are checked and set by check_officer.
            kwargs.update(form=self.add_form, fields=None)
        return super().get_form(request, obj, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated (is_active), never deleted: their history must keep its actors.
        return False

    def save_form(self, request, form, change):
        if not change:
            return form.officer
        return super().save_form(request, form, change)

    def save_model(self, request, obj, form, change):
        if not change:
            do_create_officer(obj, actor=request.user)
            return
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if form.changed_data:
                record(
                    actor=request.user,
                    obj=obj,
                    action="account.changed",
                    before={name: _plain(form.initial.get(name)) for name in form.changed_data},
                    after={name: _plain(form.cleaned_data.get(name)) for name in form.changed_data},
                    reason="Diubah lewat halaman admin",
                )

    def save_related(self, request, form, formsets, change):
        # The creation form has no relations of its own to save.
        if change:
            super().save_related(request, form, formsets, change)
