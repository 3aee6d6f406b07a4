from django.urls import path

from reports.views import citizen, officer, public

app_name = "reports"

# Citizen pages first: "laporan/baru/" must win over "laporan/<number>/".
urlpatterns = [
    # --- citizen: file a report (with suggestions and "saya juga"), my reports, reopen, rate ---
    path("laporan/baru/", citizen.new, name="new"),
    path("laporan/serupa/", citizen.similar, name="similar"),
    path("laporan/<str:number>/dukung/", citizen.support, name="support"),
    path("saya/laporan/", citizen.mine, name="mine"),
    path("saya/laporan/<str:number>/", citizen.mine_detail, name="mine_detail"),
    path("saya/laporan/<str:number>/buka-kembali/", citizen.reopen, name="reopen"),
    path("saya/laporan/<str:number>/nilai/", citizen.rate, name="rate"),
    # --- end citizen ---
    # --- public: map, list, detail, photos ---
    path("laporan/", public.report_list, name="list"),
    path("laporan/peta.geojson", public.map_data, name="map_data"),
    path("laporan/<str:number>/", public.detail, name="detail"),
    path("laporan/<str:number>/foto/<int:photo_id>/", public.photo, name="photo"),
    # --- end public ---
    # --- officer: Command Center inbox, OPD work queue, a report's file and its actions ---
    path("petugas/laporan/", officer.queue, name="queue"),
    path("petugas/laporan/masuk/", officer.coordinator_inbox, name="coordinator_inbox"),
    path("petugas/laporan/<str:number>/", officer.officer_detail, name="officer_detail"),
    path("petugas/laporan/<str:number>/<slug:action>/", officer.officer_action, name="officer_action"),
    # --- end officer ---
]
