"""The product's URLs plus POST /bench/bare-insert: one INSERT and nothing else.

The yardstick of bench/reports_submit.py: the same Django, middleware, gunicorn and database as
the report API, without its checks, audit event, deadline clock or notification.
"""

import json

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kotacerdas.urls import handler400, handler403, handler404, handler500  # noqa: F401 (the error views)
from kotacerdas.urls import urlpatterns as product_urlpatterns
from reports.models import Report

# The columns the benchmark sends; the ids of the city, category, kelurahan and OPD come with each request.
COLUMNS = {"city_id", "category_id", "kelurahan_id", "kecamatan_id", "opd_id", "description", "status", "lat", "lon"}


@csrf_exempt
@require_POST
def bare_insert(request):
    values = json.loads(request.body)
    report = Report.objects.create(**{name: values[name] for name in COLUMNS})
    return JsonResponse({"id": report.pk}, status=201)


urlpatterns = [path("bench/bare-insert", bare_insert), *product_urlpatterns]
