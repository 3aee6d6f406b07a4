"""FHIR R4 interface of e-Dokter under /fhir/r4/."""

app_name = "fhir"

urlpatterns = []
