"""Officer pages of e-Perizinan: the work queue and an application's file under /petugas/izin/.

Included at the site root from kotacerdas/urls.py.
"""

from django.urls import path

from permits.views import officer

app_name = "permits_officer"

urlpatterns = [
    path("petugas/izin/", officer.queue, name="queue"),
    path("petugas/izin/<str:number>/", officer.detail, name="detail"),
    path("petugas/izin/<str:number>/dokumen/<int:attachment_id>/", officer.document, name="document"),
    path("petugas/izin/<str:number>/foto/<int:photo_id>/", officer.survey_photo, name="survey_photo"),
    path("petugas/izin/<str:number>/sertifikat.pdf", officer.certificate, name="certificate"),
    path("petugas/izin/<str:number>/<slug:action>/", officer.act, name="act"),
]
