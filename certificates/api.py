"""Certificate verification in the REST API (/api/v1/certificates/<number>/verify), public like the page.

Answers what `certificates.actions.verify` says: 200 with the status (valid, expired,
revoked, invalid) and, when its content can be trusted, what the genuine certificate
says; 404 in the API's error shape for a number that was never issued.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates import actions
from core.api import error_body


class VerifyQuerySerializer(serializers.Serializer):
    kode = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=actions.CODE_MAX_LENGTH,
        help_text="Kode verifikasi dari tautan kode QR pada dokumen (tidak wajib)",
        error_messages={"max_length": "Kode verifikasi terlalu panjang."},
    )


class CertificateFieldSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class CertificateContentSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    holder_name = serializers.CharField()
    holder_detail = serializers.CharField()
    fields = serializers.SerializerMethodField(method_name="field_pairs")
    issuer_name = serializers.CharField()
    signer_name = serializers.CharField()
    signer_title = serializers.CharField()
    signed_at = serializers.DateTimeField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True, help_text="null: tanpa batas waktu")
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoked_reason = serializers.CharField(help_text="Kosong bila tidak dicabut")
    key_id = serializers.CharField(help_text="Sidik jari kunci publik penanda tangan")
    signature = serializers.CharField(help_text="Tanda tangan Ed25519 (base64) atas signed_content")
    signed_content = serializers.SerializerMethodField(
        help_text="Isi yang ditandatangani: JSON kanonis (kunci terurut, tanpa spasi, UTF-8)"
    )

    @extend_schema_field(CertificateFieldSerializer(many=True))
    def field_pairs(self, certificate):
        return [{"label": label, "value": value} for label, value in certificate.fields]

    def get_signed_content(self, certificate) -> str:
        return certificate.canonical_content().decode("utf-8")


class VerificationSerializer(serializers.Serializer):
    # A plain string, not an enum: drf-spectacular would name its enum after the field, colliding with other "status".
    status = serializers.CharField(help_text="valid (asli dan berlaku), expired, revoked atau invalid (tidak sah)")
    status_label = serializers.CharField(source="label", help_text="Asli dan berlaku, Kedaluwarsa, Dicabut, Tidak sah")
    message = serializers.CharField()
    certificate = CertificateContentSerializer(
        allow_null=True, help_text="Isi sertifikat yang asli; null bila datanya tidak cocok dengan tanda tangannya"
    )


class VerifyView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="v1_certificates_verify",
        parameters=[VerifyQuerySerializer],
        responses={
            200: VerificationSerializer,
            400: OpenApiResponse(description="Parameter tidak valid (bentuk galat standar)"),
            404: OpenApiResponse(description="Nomor sertifikat tidak terdaftar (bentuk galat standar, kode `unknown`)"),
        },
        summary="Verifikasi sertifikat menurut nomor (dan kode dari kode QR); tanpa login",
    )
    def get(self, request, number):
        query = VerifyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = actions.verify(number, query.validated_data.get("kode"))
        if result.status == "unknown":
            return Response(error_body("unknown", result.message), status=404)
        response = Response(VerificationSerializer(result).data)
        response["Cache-Control"] = "no-store"
        return response
