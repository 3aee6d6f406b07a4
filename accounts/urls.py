from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("daftar/", views.register, name="register"),
    path("verifikasi/", views.verify, name="verify"),
    path("verifikasi/kirim-ulang/", views.resend_code, name="resend_code"),
    path("verifikasi/lewati-email/", views.skip_email, name="skip_email"),
    path("masuk/", views.login_view, name="login"),
    path("keluar/", views.logout_view, name="logout"),
]
