"""FHIR R4 interface of e-Dokter under /fhir/r4/ (docs/fhir.md).

`metadata`, `<Type>` (search; POST creates an Appointment) and `<Type>/<id>` (read). Anything else under
/fhir/r4/ answers an OperationOutcome, never the site's HTML error page.
"""

from django.urls import path, re_path

from clinics.fhir import views

app_name = "fhir"

urlpatterns = [
    path("", views.unknown, {"rest": ""}, name="root"),
    path("metadata", views.metadata, name="metadata"),
    re_path(r"^(?P<kind>[A-Z][A-Za-z]{1,63})$", views.type_endpoint, name="type"),
    re_path(r"^(?P<kind>[A-Z][A-Za-z]{1,63})/(?P<ident>[A-Za-z0-9\-.]{1,64})$", views.instance_endpoint, name="read"),
    re_path(r"^(?P<rest>.*)$", views.unknown, name="unknown"),
]
