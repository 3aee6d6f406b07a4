from rest_framework import serializers

from accounts.models import User, VerificationCode


class RegisterSerializer(serializers.Serializer):
    # No max_length: a NIK of the wrong length gets the NIK rules' own message (accounts.nik).
    nik = serializers.CharField(help_text="NIK 16 digit penduduk kota")
    full_name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=20, help_text="Nomor HP, mis. 081234567890")
    email = serializers.EmailField(required=False, allow_blank=True)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})


class VerifySerializer(serializers.Serializer):
    nik = serializers.CharField(max_length=16)
    channel = serializers.ChoiceField(choices=VerificationCode.Channel.choices)
    code = serializers.CharField(max_length=6)


class ResendSerializer(serializers.Serializer):
    nik = serializers.CharField(max_length=16)
    channel = serializers.ChoiceField(choices=VerificationCode.Channel.choices)


class LoginSerializer(serializers.Serializer):
    login_id = serializers.CharField(max_length=18, help_text="NIK (warga) atau NIP (petugas)")
    password = serializers.CharField(write_only=True, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class UserSerializer(serializers.ModelSerializer):
    """The user as seen by someone else: NIK always masked."""

    nik = serializers.CharField(source="masked_nik")
    opd = serializers.CharField(source="opd.short_name", default=None)

    class Meta:
        model = User
        fields = ["id", "kind", "full_name", "nik", "opd", "role"]


class MeSerializer(serializers.ModelSerializer):
    """The user as seen by themselves: their own NIK in full."""

    nik = serializers.SerializerMethodField()
    nip = serializers.SerializerMethodField()
    opd = serializers.CharField(source="opd.short_name", default=None)
    phone_verified = serializers.SerializerMethodField()
    email_verified = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "kind",
            "full_name",
            "nik",
            "nip",
            "phone",
            "phone_verified",
            "email",
            "email_verified",
            "opd",
            "role",
        ]

    def get_nik(self, user) -> str | None:
        return user.login_id if user.is_citizen else None

    def get_nip(self, user) -> str | None:
        return user.login_id if user.is_officer else None

    def get_phone_verified(self, user) -> bool:
        return user.phone_verified_at is not None

    def get_email_verified(self, user) -> bool:
        return user.email_verified_at is not None
