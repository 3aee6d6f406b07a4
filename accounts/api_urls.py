from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/register", api.RegisterView.as_view(), name="api-register"),
    path("auth/verify", api.VerifyView.as_view(), name="api-verify"),
    path("auth/resend-code", api.ResendCodeView.as_view(), name="api-resend-code"),
    path("auth/token", api.TokenView.as_view(), name="api-token"),
    path("auth/logout", api.LogoutView.as_view(), name="api-logout"),
    path("me", api.MeView.as_view(), name="api-me"),
]
