"""Public read-only view of the city profile (regions, OPDs, calendar)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cities.models import City, Holiday, Kecamatan, Opd, WorkingHours, current_city
from core.api import not_found_response


class KecamatanSerializer(serializers.ModelSerializer):
    kelurahan = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Kecamatan
        fields = ["id", "name", "kelurahan"]


class OpdSerializer(serializers.ModelSerializer):
    kecamatan = serializers.CharField(source="kecamatan.name", default=None)

    class Meta:
        model = Opd
        fields = ["id", "code", "name", "short_name", "functions", "kecamatan"]


class WorkingHoursSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkingHours
        fields = ["weekday", "opens", "closes"]


class HolidaySerializer(serializers.ModelSerializer):
    class Meta:
        model = Holiday
        fields = ["date", "name"]


class CitySerializer(serializers.ModelSerializer):
    zone_label = serializers.CharField()
    kecamatan = KecamatanSerializer(many=True)
    opds = OpdSerializer(many=True)
    working_hours = WorkingHoursSerializer(many=True)
    holidays = HolidaySerializer(many=True)

    class Meta:
        model = City
        fields = [
            "slug",
            "name",
            "province",
            "region_code",
            "time_zone",
            "zone_label",
            "centre_lat",
            "centre_lon",
            "bbox",
            "kecamatan",
            "opds",
            "working_hours",
            "holidays",
        ]


class CityView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: CitySerializer}, summary="Profil kota: wilayah, OPD, kalender kerja")
    def get(self, request):
        city = current_city()
        if city is None:
            return not_found_response()
        city = City.objects.prefetch_related(
            "kecamatan__kelurahan", "opds__kecamatan", "working_hours", "holidays"
        ).get(pk=city.pk)
        return Response(CitySerializer(city).data)
