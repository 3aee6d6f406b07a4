import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cities.models import City, Holiday, Kelurahan, Opd, current_city, forget_current_city
from cities.profile import PROFILE_DIR, fingerprint
from clinics.models import WeeklySchedule
from conftest import load_city_profile

pytestmark = pytest.mark.django_db


def test_binjai_profile_has_its_five_kecamatan_37_kelurahan_and_main_opds():
    binjai = load_city_profile("binjai")
    assert binjai.kecamatan.count() == 5
    assert Kelurahan.objects.filter(kecamatan__city=binjai).count() == 37
    assert Kelurahan.objects.filter(kecamatan__city=binjai, name="Tangsi", kecamatan__name="Binjai Kota").exists()
    codes = set(binjai.opds.values_list("code", flat=True))
    for code in [
        "bappeda",
        "dpmptsp",
        "dinas-pupr",
        "dinkes",
        "dlh",
        "dishub",
        "satpol-pp",
        "inspektorat",
        "diskominfo",
        "bpkpad",
        "rsud-djoelham",
    ]:
        assert code in codes
    assert sum("kecamatan" in o.functions for o in binjai.opds.all()) == 5
    assert binjai.opd_with_function("inspektorat").code == "inspektorat"
    assert binjai.nik_prefix == "1275" and binjai.zone_label == "WIB"


def test_palu_profile_loads_in_wita_with_46_kelurahan():
    palu = load_city_profile("palu")
    assert palu.zone_label == "WITA"
    assert palu.kecamatan.count() == 8
    assert Kelurahan.objects.filter(kecamatan__city=palu).count() == 46


def test_loading_twice_updates_instead_of_duplicating(capsys):
    call_command("load_city", "binjai")
    call_command("load_city", "binjai")
    assert City.objects.filter(slug="binjai").count() == 1
    assert Kelurahan.objects.filter(kecamatan__city__slug="binjai").count() == 37
    assert "diperbarui" in capsys.readouterr().out


def test_load_city_accepts_a_profile_file_path(tmp_path):
    profile = json.loads((PROFILE_DIR / "binjai.json").read_text())
    first = profile["kecamatan"][0]["name"]
    profile.update(slug="kota-uji", name="Kota Uji", kecamatan=profile["kecamatan"][:1])
    profile["opds"] = [o for o in profile["opds"] if o.get("kecamatan") in (None, first)]
    for category in profile["reports"]["categories"]:
        category["routing"] = {k: v for k, v in category.get("routing", {}).items() if k == first}
    path = tmp_path / "kota-uji.json"
    path.write_text(json.dumps(profile))
    call_command("load_city", str(path))
    assert City.objects.get(slug="kota-uji").kecamatan.count() == 1


def test_unknown_profile_is_a_clear_error():
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("load_city", "atlantis")


def test_broken_profile_is_refused_without_half_writing(tmp_path):
    path = tmp_path / "rusak.json"
    path.write_text('{"slug": "rusak", "name": "Kota Rusak"}')
    with pytest.raises(CommandError, match="wajib ada"):
        call_command("load_city", str(path))
    assert not City.objects.filter(slug="rusak").exists()


def test_switching_to_palu_moves_deadlines_to_wita_without_code_changes(settings):
    """The same instant is 15:30 WIB in Binjai but 16:30 WITA in Palu, after Friday's closing."""
    friday = datetime(2026, 11, 27, 8, 30, tzinfo=UTC)
    expected = {
        "binjai": datetime(2026, 11, 27, 9, 30, tzinfo=UTC),  # Friday 16:30 WIB, same day
        "palu": datetime(2026, 11, 30, 1, 0, tzinfo=UTC),  # Monday 09:00 WITA
    }
    for slug, due in expected.items():
        load_city_profile(slug)
        settings.CITY = slug
        forget_current_city()
        assert current_city().calendar().add_working_hours(friday, 1) == due


def test_pages_show_times_in_the_city_zone(client, settings):
    load_city_profile("palu")
    settings.CITY = "palu"
    forget_current_city()
    response = client.get("/api/v1/city")
    assert response.json()["zone_label"] == "WITA"
    assert str(timezone.get_current_timezone()) != "Asia/Makassar"  # the zone is per request, not global


def test_make_run_keeps_what_the_admin_changed_while_the_profile_file_is_the_same(capsys):
    call_command("load_city", "binjai")
    # The city admin renames an OPD and a hospital changes a doctor's quota in the admin.
    opd = Opd.objects.get(city__slug="binjai", code="diskominfo")
    Opd.objects.filter(pk=opd.pk).update(name="Dinas Kominfo dan Persandian")
    schedule = WeeklySchedule.objects.filter(clinic__facility__code="rsud-djoelham").order_by("pk").first()
    WeeklySchedule.objects.filter(pk=schedule.pk).update(quota_jkn=schedule.quota_jkn + 7)
    capsys.readouterr()

    call_command("load_city", "binjai", "--if-changed")

    assert "tidak berubah sejak terakhir dimuat" in capsys.readouterr().out
    assert Opd.objects.get(pk=opd.pk).name == "Dinas Kominfo dan Persandian"
    assert WeeklySchedule.objects.get(pk=schedule.pk).quota_jkn == schedule.quota_jkn + 7

    # Loading on purpose brings the file's values back.
    call_command("load_city", "binjai")
    assert Opd.objects.get(pk=opd.pk).name == opd.name
    assert WeeklySchedule.objects.get(pk=schedule.pk).quota_jkn == schedule.quota_jkn


def test_a_changed_profile_file_is_loaded_even_if_changed_only(tmp_path, capsys):
    profile = json.loads((PROFILE_DIR / "binjai.json").read_text())
    path = tmp_path / "binjai.json"
    path.write_text(json.dumps(profile))
    call_command("load_city", str(path), "--if-changed")
    assert City.objects.get(slug="binjai").profile_sha256 == fingerprint(profile)

    # The same content written differently is the same profile.
    path.write_text(json.dumps(profile, indent=2, sort_keys=True))
    capsys.readouterr()
    call_command("load_city", str(path), "--if-changed")
    assert "tidak berubah" in capsys.readouterr().out

    profile["holidays"].append({"date": "2027-03-26", "name": "Wafat Yesus Kristus"})
    path.write_text(json.dumps(profile))
    call_command("load_city", str(path), "--if-changed")
    assert "diperbarui" in capsys.readouterr().out
    assert Holiday.objects.filter(city__slug="binjai", date="2027-03-26").exists()
    assert City.objects.get(slug="binjai").profile_sha256 == fingerprint(profile)
