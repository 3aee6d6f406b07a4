import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from accounts.nik import mask_nik


class Role(models.TextChoices):
    OFFICER = "officer", "Petugas OPD"
    HEAD = "head", "Kepala OPD"
    INSPEKTORAT = "inspektorat", "Inspektorat"
    BCC_OPERATOR = "bcc_operator", "Operator Command Center"
    BAPPEDA_PLANNER = "bappeda_planner", "Perencana Bappeda"
    TAPD = "tapd", "Anggota TAPD"
    HOSPITAL_STAFF = "hospital_staff", "Petugas rumah sakit"
    CITY_ADMIN = "city_admin", "Admin kota"


class UserManager(BaseUserManager):
    def create_citizen(self, nik, password, **fields):
        user = self.model(login_id=nik, kind=User.Kind.CITIZEN, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_officer(self, nip, password, *, opd, role, **fields):
        user = self.model(login_id=nip, kind=User.Kind.OFFICER, opd=opd, role=role, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, login_id, password, **fields):
        fields.setdefault("full_name", "Superuser")
        user = self.model(login_id=login_id, kind=User.Kind.OFFICER, is_staff=True, is_superuser=True, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser, PermissionsMixin):
    """A citizen (logs in with NIK) or an officer (logs in with NIP)."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", "Warga"
        OFFICER = "officer", "Petugas"

    login_id = models.CharField("NIK/NIP", max_length=18, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    full_name = models.CharField("nama lengkap", max_length=150)
    email = models.EmailField("e-mail", blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    phone = models.CharField("nomor HP", max_length=16, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    opd = models.ForeignKey("cities.Opd", null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "login_id"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = "pengguna"
        verbose_name_plural = "pengguna"
        indexes = [models.Index(fields=["opd", "role"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="citizen", opd__isnull=True, role="") | models.Q(kind="officer"),
                name="citizen_has_no_opd_or_role",
            )
        ]

    def __str__(self):
        return self.full_name

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0]

    @property
    def is_citizen(self):
        return self.kind == self.Kind.CITIZEN

    @property
    def is_officer(self):
        return self.kind == self.Kind.OFFICER

    @property
    def masked_nik(self):
        return mask_nik(self.login_id) if self.is_citizen else ""

    @property
    def is_verified(self):
        """A citizen may log in once the phone is verified; officers are vetted by the city admin."""
        return self.is_officer or self.phone_verified_at is not None

    def is_locked(self, now=None):
        return self.locked_until is not None and self.locked_until > (now or timezone.now())

    @property
    def label(self):
        """How the user appears in audit trails and to colleagues (never with the NIK)."""
        if self.is_officer and self.opd_id:
            return f"{self.full_name} ({self.opd.short_name})"
        return self.full_name


class VerificationCode(models.Model):
    """A one-time code for proving a phone number or an e-mail address."""

    class Channel(models.TextChoices):
        PHONE = "phone", "Nomor HP"
        EMAIL = "email", "E-mail"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_codes")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    target = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "channel", "-created_at"])]

    def __str__(self):
        return f"Kode {self.get_channel_display()} #{self.pk} untuk pengguna #{self.user_id}"

    @staticmethod
    def hash_code(code):
        # Keyed hash: a leaked table does not reveal codes still in flight.
        return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()

    def matches(self, code):
        return hmac.compare_digest(self.code_hash, self.hash_code(code))
