from django.urls import path

from reports.views import citizen, officer, public

app_name = "reports"

# Citizen pages first: "laporan/baru/" must win over "laporan/<number>/".
urlpatterns = [
    path("saya/laporan/<str:number>/", citizen.mine_detail, name="mine_detail"),
    # --- public: map, list, detail, photos ---
    path("laporan/", public.report_list, name="list"),
    path("laporan/peta.geojson", public.map_data, name="map_data"),
    path("laporan/<str:number>/", public.detail, name="detail"),
    path("laporan/<str:number>/foto/<int:photo_id>/", public.photo, name="photo"),
    # --- end public ---
    path("petugas/laporan/<str:number>/", officer.officer_detail, name="officer_detail"),
]
