"""The e-Masyarakat API's shapes: input translated for reports.actions, output safe for its reader.

Three views of a report, one per reader: the public (no NIK, phone, e-mail,
anonymous name or internal note), the reporter (adds what is theirs: rating
comment, reopen window) and the officer (the whole case: contact, history,
internal notes, clocks). Input serializers check types only; the rules
(lengths, boundary, photos, who may act) are reports.actions' and answer in
its words.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from audit.events import history, public_timeline
from cities.models import Kelurahan
from core.api import NOT_A_NUMBER, Input, TimelineEntrySerializer, absolute_url
from deadlines import clock
from reports.actions import public_url
from reports.models import Category, Report
from reports.queries import check_filter_date

REPORT_RELATED = ("category", "kecamatan", "kelurahan", "opd", "owner", "duplicate_of", "assigned_to")

# --- reading ----------------------------------------------------------------------------------


class CategoryAttributeValueSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


class CategoryAttributeSerializer(serializers.Serializer):
    code = serializers.CharField()
    datatype = serializers.CharField(help_text="string, number, datetime, text, singlevaluelist, multivaluelist")
    required = serializers.BooleanField(default=False)
    description = serializers.CharField()
    order = serializers.IntegerField(required=False)
    values = CategoryAttributeValueSerializer(many=True, required=False)


class CategorySerializer(serializers.ModelSerializer):
    attributes = CategoryAttributeSerializer(many=True, help_text="Pertanyaan tambahan kategori (atribut Open311)")

    class Meta:
        model = Category
        fields = ["code", "name", "group", "description", "attributes"]


class KelurahanSerializer(serializers.ModelSerializer):
    kecamatan_id = serializers.IntegerField()
    kecamatan = serializers.CharField(source="kecamatan.name")

    class Meta:
        model = Kelurahan
        fields = ["id", "name", "kecamatan_id", "kecamatan"]


class PublicReportSerializer(serializers.ModelSerializer):
    """One line of the public list: what anybody may read about a report."""

    number = serializers.CharField()
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    status_label = serializers.CharField(source="get_status_display")
    kecamatan = serializers.CharField(source="kecamatan.name")
    kelurahan = serializers.CharField(source="kelurahan.name")
    opd = serializers.CharField(source="opd.code")
    opd_name = serializers.CharField(source="opd.name")
    reporter = serializers.CharField(source="reporter_label", help_text="Nama pelapor, atau 'Anonim'")
    url = serializers.SerializerMethodField(help_text="Halaman publik laporan")

    class Meta:
        model = Report
        fields = [
            "number",
            "category",
            "category_name",
            "status",
            "status_label",
            "description",
            "lat",
            "lon",
            "address",
            "kecamatan",
            "kelurahan",
            "opd",
            "opd_name",
            "reporter",
            "support_count",
            "created_at",
            "updated_at",
            "url",
        ]

    def get_url(self, report) -> str:
        return absolute_url(self.context, public_url(report))


class PhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="report (foto laporan) atau proof (foto bukti penyelesaian)")
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, photo) -> str:
        return absolute_url(self.context, reverse("api-report-photo", args=[photo.report.number, photo.pk]))


class PublicReportDetailSerializer(PublicReportSerializer):
    """The privacy-safe detail: the public line plus photos, the outcome and the public timeline."""

    photos = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    duplicate_of = serializers.SerializerMethodField(help_text="Nomor laporan asli bila laporan ini digabung")

    class Meta(PublicReportSerializer.Meta):
        fields = PublicReportSerializer.Meta.fields + [
            "follow_up_plan",
            "resolution",
            "rating",
            "verified_at",
            "resolved_at",
            "closed_at",
            "duplicate_of",
            "photos",
            "timeline",
        ]

    @extend_schema_field(PhotoSerializer(many=True))
    def get_photos(self, report):
        return PhotoSerializer(report.photos.all(), many=True, context=self.context).data

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, report):
        return TimelineEntrySerializer(public_timeline(report), many=True).data

    def get_duplicate_of(self, report) -> str | None:
        return report.duplicate_of.number if report.duplicate_of_id else None


class QueueItemSerializer(PublicReportSerializer):
    """A line of an officer's list: the public line, who holds it and when it is due."""

    assigned_to = serializers.CharField(source="assigned_to.full_name", default=None)
    due_at = serializers.DateTimeField(default=None, help_text="Tenggat terdekat yang berjalan (antrean OPD)")

    class Meta(PublicReportSerializer.Meta):
        fields = PublicReportSerializer.Meta.fields + ["assigned_to", "due_at"]


class SuggestionSerializer(serializers.Serializer):
    """An open report like the one being written, to support instead of filing a duplicate."""

    report = PublicReportSerializer()
    distance_m = serializers.FloatField(allow_null=True, help_text="Jarak dari titik yang diberikan (meter)")
    score = serializers.FloatField(help_text="0–1, makin besar makin mirip")


class MyReportSerializer(serializers.ModelSerializer):
    """One line of the citizen's own reports, whatever their status."""

    number = serializers.CharField()
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Report
        fields = ["number", "category", "category_name", "status", "status_label", "created_at", "updated_at"]


class ReceiptSerializer(serializers.Serializer):
    """The answer to a submission: the tracking number at once, and where to follow the report.

    A plain Serializer: a ModelSerializer would inspect the model again on every submission.
    """

    number = serializers.CharField()
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    created_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField(help_text="Alamat API laporan ini (juga di header Location)")

    def get_url(self, report) -> str:
        return absolute_url(self.context, reverse("api-report", args=[report.number]))


class MyReportDetailSerializer(PublicReportDetailSerializer):
    """What the reporter sees of their own report: the public detail and what only concerns them."""

    reopen_until = serializers.DateTimeField(allow_null=True, help_text="Batas membuka kembali (7 hari)")

    class Meta(PublicReportDetailSerializer.Meta):
        fields = PublicReportDetailSerializer.Meta.fields + ["anonymous", "rating_comment", "reopen_until"]


class ReporterSerializer(serializers.Serializer):
    """The reporter as the OPD knows them (also when anonymous to the public); the NIK stays masked."""

    name = serializers.CharField()
    nik = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.CharField(source="author.label")
    public = serializers.BooleanField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="occurred_at")
    actor = serializers.CharField(source="actor_label")
    action = serializers.CharField()
    reason = serializers.CharField()
    public = serializers.BooleanField()
    public_text = serializers.CharField()
    before = serializers.JSONField()
    after = serializers.JSONField()


class DeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    opd = serializers.CharField(source="opd.code", default=None)
    holder = serializers.CharField(source="holder.full_name", default=None)
    due_at = serializers.DateTimeField()
    near = serializers.BooleanField(source="is_near")
    breached_at = serializers.DateTimeField()


class OfficerUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class OfficerReportSerializer(MyReportDetailSerializer):
    """The whole case, for the officers allowed to see it."""

    reporter_contact = serializers.SerializerMethodField()
    assigned_to = OfficerUserSerializer(allow_null=True)
    attributes = serializers.JSONField()
    notes = NoteSerializer(many=True)
    history = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField(help_text="Tenggat yang sedang berjalan")

    class Meta(MyReportDetailSerializer.Meta):
        fields = MyReportDetailSerializer.Meta.fields + [
            "reporter_contact",
            "assigned_to",
            "attributes",
            "notes",
            "history",
            "deadlines",
        ]

    @extend_schema_field(ReporterSerializer)
    def get_reporter_contact(self, report):
        if report.owner_id:
            owner = report.owner
            contact = {"name": owner.full_name, "nik": owner.masked_nik, "phone": owner.phone, "email": owner.email}
        else:
            contact = {
                "name": report.contact_name,
                "nik": "",
                "phone": report.contact_phone,
                "email": report.contact_email,
            }
        return ReporterSerializer(contact).data

    @extend_schema_field(HistoryEntrySerializer(many=True))
    def get_history(self, report):
        return HistoryEntrySerializer(history(report), many=True).data

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, report):
        return DeadlineSerializer(clock.live_deadlines_for(report), many=True).data


# --- writing ----------------------------------------------------------------------------------

NOT_A_FLAG = "Harus bernilai true atau false."
NOT_A_FILE = "Kirim foto sebagai berkas (multipart/form-data)."


def number_field(**options):
    return serializers.FloatField(error_messages={"invalid": NOT_A_NUMBER}, **options)


def flag_field(**options):
    return serializers.BooleanField(error_messages={"invalid": NOT_A_FLAG}, **options)


def files_field(**options):
    child = serializers.FileField(error_messages={"invalid": NOT_A_FILE})
    return serializers.ListField(child=child, error_messages={"not_a_list": NOT_A_FILE}, **options)


class ReportSubmitSerializer(Input):
    """A new report, as JSON (no photos) or multipart (with up to 5 `photos` files)."""

    category = serializers.CharField(help_text="Kode kategori dari GET /api/v1/reports/categories")
    description = serializers.CharField(allow_blank=True, help_text="Uraian masalah, paling panjang 4.000 karakter")
    kelurahan = serializers.IntegerField(help_text="id kelurahan dari GET /api/v1/reports/kelurahan")
    lat = number_field(required=False, allow_null=True, default=None, help_text="Lintang (WGS84)")
    lon = number_field(required=False, allow_null=True, default=None, help_text="Bujur (WGS84)")
    address = serializers.CharField(required=False, allow_blank=True, default="", help_text="Alamat atau patokan")
    anonymous = flag_field(default=False, help_text="Sembunyikan nama pelapor dari publik")
    attributes = serializers.JSONField(
        required=False, default=dict, help_text="Jawaban atribut kategori: {kode: nilai} (multipart: teks JSON)"
    )
    photos = files_field(required=False, default=list, help_text="Foto JPEG/PNG/WebP, paling banyak 5")

    def validate_attributes(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("Atribut harus berupa objek {kode: nilai}.")
        return value


class SimilarQuerySerializer(Input):
    lat = number_field(required=False, allow_null=True, default=None, help_text="Titik laporan yang sedang ditulis")
    lon = number_field(required=False, allow_null=True, default=None)
    text = serializers.CharField(required=False, allow_blank=True, default="", help_text="Uraian yang sedang ditulis")
    category = serializers.CharField(required=False, allow_blank=True, default="", help_text="Kode kategori")
    kelurahan = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Bila tanpa titik")

    def validate_kelurahan(self, kelurahan_id):
        if kelurahan_id is None:
            return None
        kelurahan = Kelurahan.objects.filter(pk=kelurahan_id, kecamatan__city=self.context["city"]).first()
        if kelurahan is None:
            raise serializers.ValidationError("Kelurahan tidak dikenal.")
        return kelurahan


class PublicListQuerySerializer(Input):
    category = serializers.CharField(required=False, help_text="Kode kategori")
    status = serializers.CharField(required=False)
    kecamatan = serializers.IntegerField(required=False, help_text="id kecamatan (GET /api/v1/city)")
    date_from = serializers.DateField(
        required=False, validators=[check_filter_date], help_text="Dilaporkan sejak tanggal ini (zona waktu kota)"
    )
    date_to = serializers.DateField(
        required=False, validators=[check_filter_date], help_text="Dilaporkan sampai tanggal ini (zona waktu kota)"
    )
    cursor = serializers.CharField(required=False, help_text="Dari tautan `next` halaman sebelumnya")
    size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=50)


class PageQuerySerializer(Input):
    cursor = serializers.CharField(required=False, help_text="Dari tautan `next` halaman sebelumnya")
    size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=50)


class QueueQuerySerializer(Input):
    sort = serializers.CharField(required=False, default="tenggat", help_text="tenggat, terbaru atau terlama")
    assigned_to_me = flag_field(required=False, default=False)


class ReasonSerializer(Input):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RateSerializer(Input):
    rating = serializers.IntegerField(help_text="1 sampai 5 bintang")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def report_by_number(number, city):
    """The city's report with this tracking number, or None (a number whose year does not match is unknown)."""
    return Report.objects.filter(city=city).select_related(*REPORT_RELATED).by_number(number)


class DispositionSerializer(Input):
    opd = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Kode OPD; kosong = OPD kategori/kecamatan"
    )

    def validate_opd(self, code):
        if not code:
            return None
        opd = self.context["city"].opds.filter(code=code).first()
        if opd is None:
            raise serializers.ValidationError("OPD tidak dikenal.")
        return opd


class MergeSerializer(Input):
    into = serializers.CharField(help_text="Nomor laporan asli, mis. LP-2026-0000123")

    def validate_into(self, number):
        report = report_by_number(number, self.context["city"])
        if report is None:
            raise serializers.ValidationError(f"Laporan {number} tidak ditemukan.")
        return report


class PlanSerializer(Input):
    plan = serializers.CharField(required=False, allow_blank=True, default="", help_text="Rencana tindak lanjut")


class ResolveSerializer(Input):
    response = serializers.CharField(required=False, allow_blank=True, default="", help_text="Tanggapan penyelesaian")
    proof_photos = files_field(required=False, default=list, help_text="Foto bukti, minimal satu")


class AssignSerializer(Input):
    officer = serializers.IntegerField(help_text="id petugas OPD yang sama")

    def validate_officer(self, officer_id):
        officer = User.objects.filter(pk=officer_id, kind=User.Kind.OFFICER).first()
        if officer is None:
            raise serializers.ValidationError("Petugas tidak ditemukan.")
        return officer


class NoteInputSerializer(Input):
    text = serializers.CharField(required=False, allow_blank=True, default="")
    public = flag_field(default=False, help_text="true: balasan untuk pelapor; false: catatan internal")
