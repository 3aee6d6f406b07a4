from django.urls import path

from reports.views import citizen, officer, public

app_name = "reports"

# Citizen pages first: "laporan/baru/" must win over "laporan/<number>/".
urlpatterns = [
    path("saya/laporan/<str:number>/", citizen.mine_detail, name="mine_detail"),
    path("laporan/<str:number>/", public.detail, name="detail"),
    path("petugas/laporan/<str:number>/", officer.officer_detail, name="officer_detail"),
]
