"""e-Perizinan routes under /api/v1/permits/ (fixed words before `<pk>` or `<number>`)."""

from django.urls import path

import permits.converters  # noqa: F401 (registers the converters below)
from permits import api

APPLICATION = "permits/applications/<int:pk>"
OFFICER_APPLICATION = "permits/officer/applications/<registration_number:number>"

urlpatterns = [
    path("permits/types", api.PermitTypeListView.as_view(), name="api-permit-types"),
    path("permits/types/<permit_code:code>", api.PermitTypeDetailView.as_view(), name="api-permit-type"),
    path("permits/tracking/<registration_number:number>", api.TrackingView.as_view(), name="api-permit-tracking"),
    path("permits/companies", api.CompanyListView.as_view(), name="api-permit-companies"),
    path("permits/companies/<int:pk>", api.CompanyDetailView.as_view(), name="api-permit-company"),
    path("permits/documents", api.DocumentListView.as_view(), name="api-permit-documents"),
    path("permits/documents/<int:pk>", api.DocumentDetailView.as_view(), name="api-permit-document"),
    path("permits/documents/<int:pk>/file", api.DocumentFileView.as_view(), name="api-permit-document-file"),
    path("permits/applications", api.ApplicationListView.as_view(), name="api-permit-applications"),
    path(APPLICATION, api.ApplicationDetailView.as_view(), name="api-permit-application"),
    path(f"{APPLICATION}/documents", api.AttachmentListView.as_view(), name="api-permit-attachments"),
    path(
        f"{APPLICATION}/documents/<requirement_code:requirement>",
        api.AttachmentView.as_view(),
        name="api-permit-attachment",
    ),
    path(
        f"{APPLICATION}/documents/<requirement_code:requirement>/file",
        api.AttachmentFileView.as_view(),
        name="api-permit-attachment-file",
    ),
    path(f"{APPLICATION}/certificate", api.CertificateView.as_view(), name="api-permit-certificate"),
    path(f"{APPLICATION}/survey", api.SurveyView.as_view(), name="api-permit-survey"),
    *[
        path(f"{APPLICATION}/{name}", api.ApplicantActionView.as_view(action_name=name), name=f"api-permit-{name}")
        for name in api.APPLICANT_ACTIONS
    ],
    path("permits/officer/queue", api.QueueView.as_view(), name="api-officer-permit-queue"),
    path(OFFICER_APPLICATION, api.OfficerApplicationView.as_view(), name="api-officer-permit"),
    path(f"{OFFICER_APPLICATION}/photos/<int:pk>", api.OfficerPhotoView.as_view(), name="api-officer-permit-photo"),
    *[
        path(
            f"{OFFICER_APPLICATION}/{name}",
            api.OfficerActionView.as_view(action_name=name),
            name=f"api-officer-permit-{name}",
        )
        for name in api.OFFICER_ACTIONS
    ],
]
