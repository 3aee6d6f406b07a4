"""Identity: registration, verification codes and login, shared by the web pages and the API.

check_* functions validate and raise; do_* functions change state (audited,
notifications queued in the same transaction).
"""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Role, User, VerificationCode
from accounts.nik import check_nik_for_city, check_nip
from audit.events import record
from cities.models import current_city
from notifications.outbox import queue

RESEND_INTERVAL = timedelta(seconds=60)


class LoginError(Exception):
    """A refused login; `code` tells the API and the page which message to show."""

    def __init__(self, code, message, user=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.user = user


_NIK_TAKEN = "NIK ini sudah terdaftar. Silakan masuk atau hubungi admin jika bukan Anda."
_NAME_MAX_LENGTH = User._meta.get_field("full_name").max_length
_PHONE_SEPARATORS = re.compile(r"[\s\-.()]")
_MOBILE_RE = re.compile(r"\+628[0-9]{8,12}")


def normalise_phone(value):
    """Indonesian mobile numbers in one form: 08xx… → +628xx…"""
    # Spaces, dashes, dots and brackets are how people write numbers; anything
    # else (letters, other scripts' digits) makes it not a number.
    number = _PHONE_SEPARATORS.sub("", value or "")
    if number.startswith("62"):
        number = "+" + number
    elif number.startswith("0"):
        number = "+62" + number[1:]
    # +62 8 and 8 to 12 more digits: 10 to 14 digits when written 08…
    if not _MOBILE_RE.fullmatch(number):
        raise ValidationError("Nomor HP tidak valid (contoh: 0812xxxxxxxx).", code="phone_format")
    return number


def check_registration(*, nik, full_name, phone, email, password):
    """Validate a citizen's registration; returns the cleaned values or raises ValidationError (per field)."""
    city = current_city()
    if city is None:
        raise ValidationError("Profil kota belum dimuat; hubungi admin kota.", code="no_city")
    errors, cleaned = {}, {"email": (email or "").strip().lower(), "full_name": " ".join((full_name or "").split())}
    try:
        check_nik_for_city(nik, city)
        cleaned["nik"] = nik.strip()
        if User.objects.filter(login_id=cleaned["nik"]).exists():
            errors["nik"] = [_NIK_TAKEN]
    except ValidationError as exc:
        errors["nik"] = exc.messages
    if not cleaned["full_name"]:
        errors["full_name"] = ["Nama lengkap wajib diisi."]
    elif len(cleaned["full_name"]) > _NAME_MAX_LENGTH:
        errors["full_name"] = [f"Nama lengkap paling banyak {_NAME_MAX_LENGTH} karakter."]
    try:
        cleaned["phone"] = normalise_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if cleaned["email"]:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors["email"] = ["Alamat e-mail tidak valid."]
    try:
        validate_password(
            password, User(login_id=(nik or "").strip(), full_name=cleaned["full_name"], email=cleaned["email"])
        )
        cleaned["password"] = password
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def do_register_citizen(*, nik, full_name, phone, email="", password):
    """Create a citizen account and send the verification code(s); returns the user."""
    cleaned = check_registration(nik=nik, full_name=full_name, phone=phone, email=email, password=password)
    try:
        with transaction.atomic():
            user = User.objects.create_citizen(
                cleaned["nik"],
                cleaned["password"],
                full_name=cleaned["full_name"],
                phone=cleaned["phone"],
                email=cleaned["email"],
            )
            record(actor=user, obj=user, action="account.registered", after={"kind": user.kind})
            do_send_code(user, VerificationCode.Channel.PHONE)
            if user.email:
                do_send_code(user, VerificationCode.Channel.EMAIL)
    except IntegrityError:
        # Two registrations of one NIK racing: the database decides, the loser gets the same message.
        if not User.objects.filter(login_id=cleaned["nik"]).exists():
            raise
        raise ValidationError({"nik": [_NIK_TAKEN]}) from None
    return user


def _target(user, channel):
    return user.phone if channel == VerificationCode.Channel.PHONE else user.email


def _verified_field(channel):
    return "phone_verified_at" if channel == VerificationCode.Channel.PHONE else "email_verified_at"


def do_send_code(user, channel, *, now=None):
    """Issue a fresh one-time code and queue it to the phone (SMS) or e-mail address; returns the code."""
    now = now or timezone.now()
    with transaction.atomic():
        # One sender at a time per user, so two quick requests cannot both pass the resend interval.
        user = User.objects.select_for_update().get(pk=user.pk)
        target = _target(user, channel)
        if not target:
            raise ValidationError("Alamat untuk kanal ini belum diisi.", code="no_target")
        if getattr(user, _verified_field(channel)) is not None:
            raise ValidationError(
                f"{VerificationCode.Channel(channel).label} Anda sudah terverifikasi.", code="already_verified"
            )
        latest = user.verification_codes.filter(channel=channel).order_by("-created_at", "-id").first()
        if latest and latest.used_at is None and now - latest.created_at < RESEND_INTERVAL:
            wait = int((RESEND_INTERVAL - (now - latest.created_at)).total_seconds()) + 1
            raise ValidationError(f"Kode baru saja dikirim. Tunggu {wait} detik sebelum meminta lagi.", code="too_soon")
        code = f"{secrets.randbelow(1_000_000):06d}"
        # Only the newest code counts: older unused ones die now.
        user.verification_codes.filter(channel=channel, used_at__isnull=True).update(expires_at=now)
        VerificationCode.objects.create(
            user=user,
            channel=channel,
            target=target,
            code_hash=VerificationCode.hash_code(code),
            created_at=now,
            expires_at=now + timedelta(minutes=settings.OTP_TTL_MINUTES),
        )
        queue(
            channel="sms" if channel == VerificationCode.Channel.PHONE else "email",
            recipient=target,
            template="verification_code",
            user=user,
            context={
                "code": code,
                "minutes": settings.OTP_TTL_MINUTES,
                "name": user.get_short_name(),
                "city": current_city(),
            },
        )
    return code


def do_verify_code(user, channel, code, *, now=None):
    """Check a one-time code and mark the phone/e-mail verified; raises ValidationError with the reason.

    A wrong code is counted in its own committed transaction before the error
    is raised: raising inside it would roll the count back and allow guessing
    without limit.
    """
    now = now or timezone.now()
    with transaction.atomic():
        latest = (
            user.verification_codes.select_for_update().filter(channel=channel).order_by("-created_at", "-id").first()
        )
        problem = _code_problem(latest, user, channel, (code or "").strip(), now)
        if problem is None:
            latest.used_at = now
            latest.save(update_fields=["used_at"])
            field = _verified_field(channel)
            setattr(user, field, now)
            user.save(update_fields=[field])
            record(actor=user, obj=user, action=f"account.{channel}_verified", after={field: now})
        elif problem.code == "wrong_code":
            VerificationCode.objects.filter(pk=latest.pk).update(attempts=F("attempts") + 1)
    if problem is not None:
        raise problem
    return user


def _code_problem(latest, user, channel, code, now):
    """Why this code does not verify the channel, as a ValidationError; None when it does."""
    if latest is None:
        return ValidationError("Belum ada kode yang dikirim. Minta kode baru.", code="no_code")
    if latest.used_at is not None:
        return ValidationError("Kode ini sudah dipakai.", code="used")
    if latest.expires_at <= now:
        return ValidationError("Kode sudah kedaluwarsa. Minta kode baru.", code="expired")
    if latest.attempts >= settings.OTP_MAX_ATTEMPTS:
        return ValidationError("Terlalu banyak percobaan salah. Minta kode baru.", code="too_many_attempts")
    if latest.target != _target(user, channel):
        return ValidationError("Alamat sudah berubah sejak kode dikirim. Minta kode baru.", code="target_changed")
    if not latest.matches(code):
        left = settings.OTP_MAX_ATTEMPTS - latest.attempts - 1
        if left <= 0:
            return ValidationError("Kode salah. Kesempatan habis; minta kode baru.", code="wrong_code")
        return ValidationError(f"Kode salah. Sisa percobaan: {left}.", code="wrong_code")
    return None


def check_login(login_id, password, *, now=None):
    """The user for these credentials, or LoginError (wrong, locked, not verified).

    After settings.LOGIN_MAX_FAILURES wrong passwords in a row the account is
    locked for LOGIN_LOCKOUT_MINUTES; the right password does not open it early.
    """
    now = now or timezone.now()
    user = User.objects.filter(login_id=(login_id or "").strip()).first()
    if user is None:
        # Same work and same answer as a wrong password: no telling which NIKs exist.
        User().set_password(password or "")
        raise LoginError("invalid_credentials", "NIK/NIP atau kata sandi salah.")
    if user.is_locked(now):
        raise LoginError("account_locked", _locked_message(user), user)
    if not user.check_password(password or "") or not user.is_active:
        _count_failure(user, now)
        if user.is_locked(now):
            raise LoginError("account_locked", _locked_message(user), user)
        raise LoginError("invalid_credentials", "NIK/NIP atau kata sandi salah.", user)
    if user.failed_logins:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        user.failed_logins, user.locked_until = 0, None
    if not user.is_verified:
        raise LoginError("not_verified", "Nomor HP Anda belum diverifikasi. Masukkan kode yang kami kirim.", user)
    return user


def _count_failure(user, now):
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins", "locked_until"])
        if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
            user.locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            user.failed_logins = 0
            user.save(update_fields=["locked_until", "failed_logins"])
            record(
                actor=None,
                obj=user,
                action="account.locked",
                after={"locked_until": user.locked_until},
                reason=f"{settings.LOGIN_MAX_FAILURES} kali salah kata sandi",
            )


def _locked_message(user):
    city = current_city()
    zone, label = (city.zone, f" {city.zone_label}") if city else (None, "")
    until = date_format(timezone.localtime(user.locked_until, zone), "H:i")
    return f"Akun dikunci sementara karena terlalu banyak percobaan gagal. Coba lagi setelah pukul {until}{label}."


def check_officer(*, nip, full_name, opd_code, role, phone="", email="", password):
    """Validate an officer account the city admin is creating; returns it unsaved, or raises ValidationError."""
    city = current_city()
    if city is None:
        raise ValidationError("Profil kota belum dimuat; jalankan manage.py load_city dahulu.", code="no_city")
    errors = {}
    officer = User(kind=User.Kind.OFFICER, full_name=" ".join((full_name or "").split()), role=role or "")
    try:
        officer.login_id = check_nip(nip)
        if User.objects.filter(login_id=officer.login_id).exists():
            errors["nip"] = ["NIP ini sudah terdaftar."]
    except ValidationError as exc:
        errors["nip"] = exc.messages
    if not officer.full_name:
        errors["full_name"] = ["Nama lengkap wajib diisi."]
    elif len(officer.full_name) > _NAME_MAX_LENGTH:
        errors["full_name"] = [f"Nama lengkap paling banyak {_NAME_MAX_LENGTH} karakter."]
    officer.opd = city.opds.filter(code=(opd_code or "").strip()).first()
    if officer.opd is None:
        codes = ", ".join(city.opds.order_by("code").values_list("code", flat=True))
        errors["opd"] = [f"OPD dengan kode '{opd_code}' tidak ada di {city.name}. Pilihan: {codes}."]
    if role not in Role.values:
        errors["role"] = [f"Peran '{role}' tidak dikenal. Pilihan: {', '.join(Role.values)}."]
    if phone:
        try:
            officer.phone = normalise_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    officer.email = (email or "").strip().lower()
    if officer.email:
        try:
            validate_email(officer.email)
        except ValidationError:
            errors["email"] = ["Alamat e-mail tidak valid."]
    try:
        validate_password(password, officer)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    officer.set_password(password)
    # The city admin configures the city (regions, OPDs, users) in the Django admin.
    officer.is_staff = officer.is_superuser = officer.role == Role.CITY_ADMIN
    return officer


def do_create_officer(officer, *, actor=None):
    """Save an officer account prepared by check_officer, audited; returns it."""
    try:
        with transaction.atomic():
            officer.save(force_insert=True)
            record(
                actor=actor,
                obj=officer,
                action="account.officer_created",
                after={"opd": officer.opd.code, "role": officer.role},
            )
    except IntegrityError:
        if not User.objects.filter(login_id=officer.login_id).exists():
            raise
        raise ValidationError({"nip": ["NIP ini sudah terdaftar."]}) from None
    return officer
