"""Account pages: register, verify by code, log in, log out.

Thin: the forms collect input, accounts.actions decides. The account being
verified is remembered in the session (never the NIK in a URL).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.actions import (
    LoginError,
    check_login,
    check_registration,
    do_register_citizen,
    do_send_code,
    do_verify_code,
)
from accounts.forms import LoginForm, RegistrationForm, VerifyCodeForm, add_action_errors
from accounts.models import User, VerificationCode

PENDING_USER = "pending_user_id"
Channel = VerificationCode.Channel


def home_of(user):
    return reverse("portal:my_cases") if user.is_citizen else reverse("portal:officer_workspace")


def masked_target(user, channel):
    if channel == Channel.PHONE:
        return f"nomor HP yang berakhiran {user.phone[-4:]}"
    local, _, domain = user.email.partition("@")
    return f"e-mail {local[:1]}***@{domain}"


@never_cache
@sensitive_post_parameters("nik", "password", "password_again")
def register(request):
    if request.user.is_authenticated:
        return redirect(home_of(request.user))
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        # The form's own checks and the action's rules run together, so every problem shows at once.
        form.is_valid()
        try:
            check_registration(**form.registration_values())
        except ValidationError as error:
            add_action_errors(form, error)
    if request.method == "POST" and not form.errors:
        try:
            user = do_register_citizen(**form.registration_values())
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            request.session[PENDING_USER] = user.pk
            target = masked_target(user, Channel.PHONE)
            messages.success(request, f"Akun dibuat. Kode verifikasi 6 digit telah dikirim lewat SMS ke {target}.")
            return redirect("accounts:verify")
    return render(request, "accounts/register.html", {"form": form})


def pending_verification(request):
    """(user, channel) still to verify: the account just registered or refused login, else the
    logged-in user's unverified e-mail; (None, None) when nothing waits."""
    user = None
    if PENDING_USER in request.session:
        user = User.objects.filter(pk=request.session[PENDING_USER], is_active=True).first()
    elif request.user.is_authenticated and request.user.is_citizen:
        # Officers' contacts are entered by the city admin and count as verified.
        user = request.user
    if user is None:
        return None, None
    if user.phone_verified_at is None and user.phone:
        return user, Channel.PHONE
    if user.email and user.email_verified_at is None:
        return user, Channel.EMAIL
    return None, None


def finish_verification(request, text):
    request.session.pop(PENDING_USER, None)
    if request.user.is_authenticated:
        messages.success(request, text)
        return redirect("portal:profile")
    messages.success(request, f"{text} Silakan masuk dengan NIK dan kata sandi Anda.")
    return redirect("accounts:login")


@never_cache
@sensitive_post_parameters("code")
def verify(request):
    user, channel = pending_verification(request)
    if user is None:
        request.session.pop(PENDING_USER, None)
        if request.user.is_authenticated:
            return redirect(home_of(request.user))
        messages.info(request, "Tidak ada verifikasi yang menunggu. Silakan masuk atau daftar.")
        return redirect("accounts:login")
    form = VerifyCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            do_verify_code(user, channel, form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error.messages)
        else:
            if channel == Channel.PHONE and user.email and user.email_verified_at is None:
                messages.success(
                    request,
                    "Nomor HP terverifikasi. Anda juga bisa memverifikasi e-mail dengan kode yang kami kirim "
                    f"ke {masked_target(user, Channel.EMAIL)}, atau melewatinya.",
                )
                return redirect("accounts:verify")
            done = "Nomor HP terverifikasi." if channel == Channel.PHONE else "E-mail terverifikasi."
            return finish_verification(request, done)
    context = {
        "form": form,
        "channel": channel,
        "target": masked_target(user, channel),
        "minutes": settings.OTP_TTL_MINUTES,
    }
    return render(request, "accounts/verify.html", context)


@require_POST
def resend_code(request):
    user, channel = pending_verification(request)
    if user is None:
        return redirect("accounts:verify")
    try:
        do_send_code(user, channel)
    except ValidationError as error:
        level, text = messages.ERROR, " ".join(error.messages)
    else:
        level, text = messages.SUCCESS, f"Kode baru telah dikirim ke {masked_target(user, channel)}."
    if request.headers.get("HX-Request"):
        # htmx swaps just this message in; without JavaScript the page reloads with it.
        tag = messages.DEFAULT_TAGS[level]
        return render(request, "accounts/_resend_status.html", {"tag": tag, "text": text})
    messages.add_message(request, level, text)
    return redirect("accounts:verify")


@require_POST
def skip_email(request):
    user, channel = pending_verification(request)
    if channel != Channel.EMAIL:
        return redirect("accounts:verify")
    return finish_verification(request, "Verifikasi e-mail dilewati; Anda bisa melakukannya nanti dari halaman profil.")


def safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


@never_cache
@sensitive_post_parameters("login_id", "password")
def login_view(request):
    if request.user.is_authenticated:
        return redirect(home_of(request.user))
    form = LoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = check_login(form.cleaned_data["login_id"], form.cleaned_data["password"])
        except LoginError as error:
            if error.code == "not_verified":
                request.session[PENDING_USER] = error.user.pk
                messages.warning(request, error.message)
                return redirect("accounts:verify")
            form.add_error(None, error.message)
        else:
            request.session.pop(PENDING_USER, None)
            login(request, user, backend="accounts.backends.LoginIdBackend")
            messages.success(request, f"Selamat datang, {user.full_name}.")
            return redirect(safe_next(request) or home_of(user))
    return render(request, "accounts/login.html", {"form": form, "next": safe_next(request)})


@never_cache
def logout_view(request):
    if request.method == "POST":
        logout(request)
        messages.success(request, "Anda telah keluar.")
        return redirect("portal:home")
    if not request.user.is_authenticated:
        return redirect("portal:home")
    return render(request, "accounts/logout.html")
