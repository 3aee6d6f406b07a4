from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("tentang/", views.about, name="about"),
    path("saya/", views.profile, name="profile"),
    path("saya/kasus/", views.my_cases, name="my_cases"),
    path("petugas/", views.officer_workspace, name="officer_workspace"),
]
