"""The permit catalogue comes from the city profile, checked strictly: a broken profile says what is broken."""

import copy

import pytest
from django.core.exceptions import ValidationError

from cities.profile import ProfileError, load_profile, read_profile, resolve_profile_path
from permits.exports import load_profile_section
from permits.models import PermitType


def binjai_types():
    return copy.deepcopy(read_profile(resolve_profile_path("binjai"))["permits"]["types"])


def test_binjai_ships_at_least_ten_permit_types_some_only_at_the_counter(city):
    types = PermitType.objects.filter(city=city)

    assert types.count() >= 10
    assert types.filter(online=False).count() >= 1 and types.filter(online=True).count() >= 10
    codes = set(types.values_list("code", flat=True))
    assert {"siup", "pbg", "reklame", "sip-dokter", "sip-bidan", "sipa", "tdg", "keramaian", "sktr", "iumk"} <= codes
    assert {t.issuing_opd.code for t in types} == {"dpmptsp"}
    assert types.get(code="pbg").technical_opd.code == "dinas-pupr"
    assert types.get(code="sip-dokter").technical_opd.code == "dinkes"
    assert all(t.legal_basis and t.steps and t.certificate_title for t in types)


def test_a_siup_takes_one_times_24_working_hours_and_a_pbg_has_a_survey_and_a_fee_on_floor_area(city):
    siup = PermitType.objects.get(city=city, code="siup")
    pbg = PermitType.objects.get(city=city, code="pbg")

    assert sum(step["deadline_hours"] for step in siup.steps) == 24
    assert siup.sla_text() == "24 jam kerja"
    assert any(step.get("survey") and step["opd"] == "technical" for step in pbg.steps)
    assert pbg.fee["kind"] == "formula" and "luas_lantai" in pbg.fee["expression"]
    assert PermitType.objects.get(city=city, code="iumk").is_free


def test_palu_loads_its_own_smaller_catalogue(palu):
    types = PermitType.objects.filter(city=palu)

    assert 1 <= types.count() < 10
    assert all(t.issuing_opd.city_id == palu.pk for t in types)
    assert "Binjai" not in " ".join(t.description + t.legal_basis for t in types)


def test_loading_the_profile_again_updates_the_types_instead_of_adding_more(city):
    before = PermitType.objects.filter(city=city).count()

    load_profile(read_profile(resolve_profile_path("binjai")))

    assert PermitType.objects.filter(city=city).count() == before


def load(city, types):
    return load_profile_section(city, {"types": types})


def with_change(change, code="pbg"):
    types = binjai_types()
    item = next(t for t in types if t["code"] == code)
    change(item)
    return types


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda t: t["fee"].update(expression="luas_lantai ** 2"),
            "hanya boleh berisi angka, nama isian angka",
        ),
        (
            lambda t: t["fee"].update(expression="__import__('os').system('true')"),
            "hanya boleh berisi angka, nama isian angka",
        ),
        (lambda t: t["fee"].update(expression="luas_tanah * 1000"), "memakai 'luas_tanah'"),
        (lambda t: t["fee"].update(expression="alamat_bangunan * 1000"), "memakai 'alamat_bangunan'"),
        (lambda t: t["fee"].update(expression="luas_lantai *"), "tidak dapat dibaca"),
        (lambda t: t.update(fee={"kind": "gratis"}), "Retribusi harus berupa"),
        (lambda t: t.update(fee={"kind": "fixed"}), "Retribusi tetap perlu 'amount'"),
        (lambda t: t.update(technical_opd="dinas-tata-kota"), "OPD 'dinas-tata-kota' tidak ada di profil kota"),
        (lambda t: t.update(issuing_opd="kantor-walikota"), "OPD 'kantor-walikota' tidak ada di profil kota"),
        (lambda t: t["steps"][1].update(role="kabid"), "peran 'kabid' tidak dikenal"),
        (lambda t: t["steps"][1].pop("deadline_days"), "perlu tepat satu batas waktu"),
        (lambda t: t["steps"][1].update(deadline_hours=8), "perlu tepat satu batas waktu"),
        (lambda t: t["steps"][1].update(deadline_days=0), "deadline_days harus bilangan bulat"),
        (lambda t: t["steps"][1].update(deadline_day=3), "kunci tidak dikenal: deadline_day"),
        (lambda t: t["steps"][-1].update(role="officer"), "Langkah terakhir 'persetujuan' harus persetujuan"),
        (lambda t: t["steps"].append(dict(t["steps"][0])), "kode 'verifikasi' dipakai lebih dari sekali"),
        (lambda t: t["form_fields"][0].update(type="checkbox"), "tipe 'checkbox' tidak dikenal"),
        (lambda t: t["form_fields"][0].update(choices=["Hunian"]), "paling sedikit dua teks"),
        (lambda t: t["required_documents"][0].update(formats=["docx"]), "'formats' harus daftar dari"),
        (lambda t: t["required_documents"][0].update(max_mb=100), "'max_mb' harus 1 sampai 20"),
        (lambda t: t.update(certificate_fields=["warna_atap"]), "tidak ada di formulir: warna_atap"),
        (lambda t: t.update(short_name="pbg kota"), "Singkatan hanya huruf besar"),
        (lambda t: t.update(applicant_kind="koperasi"), "applicant_kind"),
        (lambda t: t.pop("legal_basis"), "kunci wajib tidak ada: legal_basis"),
        (lambda t: t.update(retribusi=0), "kunci tidak dikenal: retribusi"),
    ],
)
def test_a_broken_permit_type_stops_the_load_with_a_message_naming_it(city, change, message):
    with pytest.raises(ValidationError) as error:
        load(city, with_change(change))

    assert "Jenis izin 'pbg'" in error.value.messages[0]
    assert message in error.value.messages[0]


def test_a_technical_step_without_a_technical_opd_is_refused(city):
    def drop_technical(item):
        item.pop("technical_opd")

    with pytest.raises(ValidationError, match="tidak punya OPD teknis"):
        load(city, with_change(drop_technical))


def test_two_types_with_one_code_are_refused(city):
    types = binjai_types()
    types.append(copy.deepcopy(types[0]))

    with pytest.raises(ValidationError, match="kode dipakai lebih dari sekali"):
        load(city, types)


def test_a_broken_section_leaves_the_catalogue_as_it_was(city):
    pbg = PermitType.objects.get(city=city, code="pbg")
    types = binjai_types()
    types[0]["name"] = "SIUP baru"
    next(t for t in types if t["code"] == "pbg")["fee"]["expression"] = "luas_lantai ** 2"

    with pytest.raises(ValidationError):
        load(city, types)

    assert PermitType.objects.get(city=city, code="siup").name == "Surat Izin Usaha Perdagangan (SIUP)"
    assert PermitType.objects.get(pk=pbg.pk).fee == pbg.fee


def test_manage_load_city_reports_a_broken_permits_section_as_a_profile_error(city, tmp_path):
    data = read_profile(resolve_profile_path("binjai"))
    data["permits"]["types"][0]["steps"][0]["role"] = "lurah"

    with pytest.raises(ProfileError, match="peran 'lurah' tidak dikenal"):
        load_profile(data)
