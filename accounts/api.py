"""Identity API for the mobile apps: register, verify, token login/logout, me."""

from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import actions
from accounts.models import User
from accounts.serializers import (
    LoginSerializer,
    MeSerializer,
    RegisterSerializer,
    ResendSerializer,
    TokenSerializer,
    VerifySerializer,
)
from core.api import error_body

# An unknown NIK is answered like a wrong code (verify) or a sent code (resend),
# so these endpoints do not tell a stranger which NIKs are registered.
_WRONG_CODE = "Kode salah."
_CODE_SENT = "Jika NIK terdaftar, kode baru telah dikirim."


def _citizen(nik):
    return User.objects.filter(login_id=(nik or "").strip(), kind=User.Kind.CITIZEN).first()


class PublicAuthView(APIView):
    """Endpoints used before the caller has a token: no authentication, no CSRF."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get_authenticate_header(self, request):
        # Without it DRF turns every 401 of a view with no authenticators into a 403.
        return "Token"


class RegisterView(PublicAuthView):
    @extend_schema(request=RegisterSerializer, responses={201: MeSerializer}, summary="Daftar sebagai warga (NIK)")
    def post(self, request):
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = actions.do_register_citizen(**data.validated_data)
        return Response(MeSerializer(user).data, status=status.HTTP_201_CREATED)


class VerifyView(PublicAuthView):
    @extend_schema(
        request=VerifySerializer, responses={200: MeSerializer}, summary="Verifikasi nomor HP/e-mail dengan kode"
    )
    def post(self, request):
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = _citizen(data.validated_data["nik"])
        if user is None:
            return Response(error_body("invalid", _WRONG_CODE, {"non_field_errors": [_WRONG_CODE]}), status=400)
        actions.do_verify_code(user, data.validated_data["channel"], data.validated_data["code"])
        return Response(MeSerializer(user).data)


class ResendCodeView(PublicAuthView):
    @extend_schema(request=ResendSerializer, responses={202: None}, summary="Kirim ulang kode verifikasi")
    def post(self, request):
        data = ResendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = _citizen(data.validated_data["nik"])
        if user is not None:
            actions.do_send_code(user, data.validated_data["channel"])
        return Response({"detail": _CODE_SENT}, status=status.HTTP_202_ACCEPTED)


class TokenView(PublicAuthView):
    @extend_schema(
        request=LoginSerializer,
        responses={200: TokenSerializer},
        summary="Masuk: tukar NIK/NIP dan kata sandi dengan token",
    )
    def post(self, request):
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = actions.check_login(data.validated_data["login_id"], data.validated_data["password"])
        except actions.LoginError as exc:
            if exc.code == "invalid_credentials":
                raise AuthenticationFailed(exc.message, code=exc.code) from None
            raise PermissionDenied(exc.message, code=exc.code) from None
        token, _ = Token.objects.get_or_create(user=user)
        user_logged_in.send(sender=User, request=request, user=user)
        return Response({"token": token.key})


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None}, summary="Keluar: cabut token")
    def post(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses={200: MeSerializer}, summary="Profil pengguna yang sedang masuk")
    def get(self, request):
        return Response(MeSerializer(request.user).data)
