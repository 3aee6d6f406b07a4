"""e-Perizinan's public and applicant pages, under /izin/ (permits.links spells out the paths that
notifications and "my cases" link to: /izin/saya/<number>/, /izin/saya/draf/<id>/, …/sertifikat.pdf,
…/survei/, /izin/lacak/).

Fixed paths come before /izin/<code>/, so "lacak", "skm" and "saya" are never read as permit type codes.
"""

from django.urls import path

import permits.converters  # noqa: F401 (registers <permit_code:…>)
from permits.views import applicant, public

app_name = "permits"

urlpatterns = [
    # --- public: catalogue, tracking, SKM ---
    path("", public.catalogue, name="catalogue"),
    path("lacak/", public.track, name="track"),
    path("skm/", public.skm, name="skm"),
    # --- applicant: my applications, documents, companies, drafts ---
    path("saya/", applicant.mine, name="mine"),
    path("saya/dokumen/", applicant.documents, name="documents"),
    path("saya/dokumen/<int:pk>/berkas/", applicant.document_file, name="document_file"),
    path("saya/dokumen/<int:pk>/hapus/", applicant.document_delete, name="document_delete"),
    path("saya/perusahaan/", applicant.companies, name="companies"),
    path("saya/perusahaan/<int:pk>/", applicant.company_edit, name="company_edit"),
    path("saya/perusahaan/<int:pk>/hapus/", applicant.company_delete, name="company_delete"),
    path("saya/draf/<int:pk>/", applicant.draft, name="draft"),
    path("saya/draf/<int:pk>/lepas/", applicant.draft_detach, name="draft_detach"),
    path("saya/draf/<int:pk>/hapus/", applicant.draft_delete, name="draft_delete"),
    path("saya/<str:number>/", applicant.detail, name="detail"),
    path("saya/<str:number>/lengkapi/", applicant.complete, name="complete"),
    path("saya/<str:number>/bayar/", applicant.pay, name="pay"),
    path("saya/<str:number>/batalkan/", applicant.withdraw, name="withdraw"),
    path("saya/<str:number>/sertifikat.pdf", applicant.certificate, name="certificate"),
    path("saya/<str:number>/survei/", applicant.survey, name="survey"),
    # --- a permit type, and applying for it ---
    path("<permit_code:code>/", public.type_detail, name="type"),
    path("<permit_code:code>/ajukan/", applicant.apply, name="apply"),
]
