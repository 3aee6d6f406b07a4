"""e-Masyarakat routes under /api/v1/ (fixed words before `<number>`, so "categories" is never a number)."""

from django.urls import path

from reports import api

urlpatterns = [
    path("reports/categories", api.CategoryListView.as_view(), name="api-report-categories"),
    path("reports/kelurahan", api.KelurahanListView.as_view(), name="api-report-kelurahan"),
    path("reports/similar", api.SimilarView.as_view(), name="api-report-similar"),
    path("reports", api.ReportListView.as_view(), name="api-reports"),
    path("reports/<str:number>", api.ReportDetailView.as_view(), name="api-report"),
    path("reports/<str:number>/photos/<int:photo_id>", api.ReportPhotoView.as_view(), name="api-report-photo"),
    path("reports/<str:number>/support", api.SupportView.as_view(), name="api-report-support"),
    path("reports/<str:number>/reopen", api.ReopenView.as_view(), name="api-report-reopen"),
    path("reports/<str:number>/rate", api.RateView.as_view(), name="api-report-rate"),
    path("me/reports", api.MyReportsView.as_view(), name="api-my-reports"),
    path("officer/reports/inbox", api.InboxView.as_view(), name="api-officer-inbox"),
    path("officer/reports/queue", api.QueueView.as_view(), name="api-officer-queue"),
    path("officer/reports/<str:number>", api.OfficerReportView.as_view(), name="api-officer-report"),
    *[
        path(
            f"officer/reports/<str:number>/{name}",
            api.OfficerActionView.as_view(action_name=name),
            name=f"api-officer-report-{name}",
        )
        for name in api.OFFICER_ACTIONS
    ],
]
