"""HTML forms of the account pages: they collect input; accounts.actions decides."""

from django import forms


def required(label):
    return {"required": f"{label} wajib diisi."}


class RegistrationForm(forms.Form):
    nik = forms.CharField(
        label="NIK",
        max_length=16,
        help_text="16 digit angka sesuai KTP/KK.",
        error_messages={**required("NIK"), "max_length": "NIK terdiri dari 16 digit angka."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 16}),
    )
    full_name = forms.CharField(
        label="Nama lengkap",
        max_length=150,
        error_messages={**required("Nama lengkap"), "max_length": "Nama lengkap paling panjang 150 karakter."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label="Nomor HP",
        max_length=20,
        help_text="Kode verifikasi dikirim lewat SMS ke nomor ini.",
        error_messages={**required("Nomor HP"), "max_length": "Nomor HP tidak valid (contoh: 0812xxxxxxxx)."},
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label="E-mail (tidak wajib)",
        required=False,
        error_messages={"invalid": "Alamat e-mail tidak valid."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Kata sandi",
        strip=False,
        help_text="Minimal 8 karakter, jangan hanya angka dan jangan mudah ditebak.",
        error_messages=required("Kata sandi"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Ulangi kata sandi",
        strip=False,
        error_messages=required("Ulangi kata sandi"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password_again") != cleaned["password"]:
            self.add_error("password_again", "Kedua kata sandi tidak sama.")
        return cleaned

    def registration_values(self):
        """What the action needs: cleaned values, or the raw input where the form found a problem."""
        cleaned = getattr(self, "cleaned_data", {})
        keys = ("nik", "full_name", "phone", "email", "password")
        return {key: cleaned[key] if key in cleaned else self.data.get(key, "") for key in keys}


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label="Kode verifikasi",
        max_length=6,
        help_text="6 digit angka dari SMS atau e-mail yang kami kirim.",
        error_messages={**required("Kode verifikasi"), "max_length": "Kode terdiri dari 6 digit angka."},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6, "pattern": "[0-9]*"}
        ),
    )


class LoginForm(forms.Form):
    login_id = forms.CharField(
        label="NIK atau NIP",
        max_length=18,
        help_text="Warga: NIK 16 digit. Petugas: NIP 18 digit.",
        error_messages={**required("NIK atau NIP"), "max_length": "NIK 16 digit atau NIP 18 digit."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="Kata sandi",
        strip=False,
        error_messages=required("Kata sandi"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def add_action_errors(form, error):
    """Put an action's ValidationError onto the form: per field where the form has that field,
    unless the form already flagged that field."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            if field in form.fields and form.has_error(field):
                continue  # the form already said what is wrong with this field
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
