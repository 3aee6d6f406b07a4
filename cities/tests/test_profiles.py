import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cities.models import City, Kelurahan, current_city, forget_current_city
from cities.profile import PROFILE_DIR
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
