"""e-Masyarakat routes under /api/v1/ (fixed words before `<number>`, so "categories" is never a number)."""

from django.urls import path, register_converter

from reports import api


class TrackingNumberConverter:
    """A report's tracking number (LP-2026-0000123): nothing shaped like a NIK can travel in its place."""

    regex = "[Ll][Pp]-[0-9]{4}-[0-9]{7,}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TrackingNumberConverter, "tracking_number")

urlpatterns = [
    path("reports/categories", api.CategoryListView.as_view(), name="api-report-categories"),
    path("reports/kelurahan", api.KelurahanListView.as_view(), name="api-report-kelurahan"),
    path("reports/similar", api.SimilarView.as_view(), name="api-report-similar"),
    path("reports", api.ReportListView.as_view(), name="api-reports"),
    path("reports/<tracking_number:number>", api.ReportDetailView.as_view(), name="api-report"),
    path("reports/<tracking_number:number>/photos/<int:pk>", api.ReportPhotoView.as_view(), name="api-report-photo"),
    path("reports/<tracking_number:number>/support", api.SupportView.as_view(), name="api-report-support"),
    path("reports/<tracking_number:number>/reopen", api.ReopenView.as_view(), name="api-report-reopen"),
    path("reports/<tracking_number:number>/rate", api.RateView.as_view(), name="api-report-rate"),
    path("me/reports", api.MyReportsView.as_view(), name="api-my-reports"),
    path("officer/reports/inbox", api.InboxView.as_view(), name="api-officer-inbox"),
    path("officer/reports/queue", api.QueueView.as_view(), name="api-officer-queue"),
    path("officer/reports/<tracking_number:number>", api.OfficerReportView.as_view(), name="api-officer-report"),
    *[
        path(
            f"officer/reports/<tracking_number:number>/{name}",
            api.OfficerActionView.as_view(action_name=name),
            name=f"api-officer-report-{name}",
        )
        for name in api.OFFICER_ACTIONS
    ],
]
