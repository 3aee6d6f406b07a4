"""Retribusi: free, fixed, or a formula on the form's numbers, evaluated without eval()."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from permits import actions
from permits.fees import check_fee, compute_fee, describe_fee, parse_formula, rupiah
from permits.tests.conftest import PBG_FORM, submitted

pytestmark = pytest.mark.usefixtures("media")


@pytest.mark.parametrize(
    "expression, values, expected",
    [
        ("luas * 10000", {"luas": 120}, 1_200_000),
        ("luas * jumlah * 15000", {"luas": 2.5, "jumlah": 2}, 75_000),
        ("(luas + 10) * 1000 / 3", {"luas": 20}, 10_000),
        ("luas * 0.5", {"luas": 3}, 2),  # 1.5 rounds half up
        ("-luas + 100", {"luas": 40}, 60),
        ("luas * 1000", {"luas": 0.1}, 100),  # decimal arithmetic: no 100.00000000000001
    ],
)
def test_a_formula_is_computed_in_whole_rupiah(expression, values, expected):
    assert compute_fee({"kind": "formula", "expression": expression}, values) == expected


def test_minimum_and_maximum_bound_a_formula():
    fee = {"kind": "formula", "expression": "luas * 10000", "minimum": 250000, "maximum": 5000000}

    assert compute_fee(fee, {"luas": 1}) == 250000
    assert compute_fee(fee, {"luas": 100}) == 1000000
    assert compute_fee(fee, {"luas": 10000}) == 5000000


def test_free_and_fixed_fees():
    assert compute_fee({"kind": "free"}, {}) == 0
    assert compute_fee({"kind": "fixed", "amount": 150000}, {"luas": 3}) == 150000


def test_dividing_by_a_zero_answer_is_a_clear_error_not_a_crash():
    with pytest.raises(ValidationError, match="pembagian dengan nol"):
        compute_fee({"kind": "formula", "expression": "1000000 / jumlah"}, {"jumlah": 0})


def test_a_missing_answer_is_named():
    with pytest.raises(ValidationError) as error:
        compute_fee({"kind": "formula", "expression": "luas * 1000"}, {})
    assert error.value.message_dict == {"luas": ["Isian ini diperlukan untuk menghitung retribusi."]}


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('rm -rf /')",
        "luas.__class__",
        "luas ** 99999999",
        "[luas] * 10",
        "luas if luas else 1",
        "'1000'",
        "luas // 2",
        "luas % 2",
        "True * 100",
        "lambda: 1",
    ],
)
def test_anything_but_arithmetic_on_number_fields_is_refused(expression):
    with pytest.raises(ValidationError):
        parse_formula(expression, {"luas"})


def test_a_fee_definition_is_checked_against_the_form():
    check_fee({"kind": "formula", "expression": "luas * 1000", "minimum": 0}, {"luas"})
    for fee, message in [
        ({"kind": "formula", "expression": "lebar * 1000"}, "memakai 'lebar'"),
        ({"kind": "fixed", "amount": -5}, "'amount' harus bilangan bulat"),
        ({"kind": "fixed", "amount": 1.5}, "'amount' harus bilangan bulat"),
        ({"kind": "free", "expression": "1"}, "hanya untuk kind 'formula'"),
        ({"kind": "free", "tarif": 1}, "kunci tidak dikenal: tarif"),
        ({"kind": "formula", "expression": "luas", "minimum": 10, "maximum": 5}, "'minimum' lebih besar"),
        ([], "Retribusi harus berupa"),
    ]:
        with pytest.raises(ValidationError, match=message):
            check_fee(fee, {"luas"})


def test_fees_are_written_the_indonesian_way():
    assert rupiah(1250000) == "Rp1.250.000"
    assert describe_fee({"kind": "free"}) == "Gratis (tanpa retribusi)"
    assert describe_fee({"kind": "fixed", "amount": 150000}) == "Rp150.000"
    assert describe_fee({"kind": "formula", "expression": "luas * 10000", "minimum": 250000}) == (
        "Dihitung dengan rumus luas * 10000, paling sedikit Rp250.000"
    )


def test_a_pbg_pays_by_floor_area_with_a_minimum(siti, city):
    house = submitted(siti, city, "pbg", form=PBG_FORM)
    kiosk = submitted(siti, city, "pbg", form={**PBG_FORM, "luas_lantai": 12, "jumlah_lantai": 1})

    assert house.fee_amount == 120 * 10000
    assert kiosk.fee_amount == 250000


def test_a_billboard_pays_by_area_faces_and_months(siti, city):
    form = {
        "jenis_reklame": "Neon box",
        "naskah_reklame": "Toko Sembako Siti",
        "lokasi_reklame": "Jl. Sudirman No. 12",
        "luas_reklame": "2,5",
        "jumlah_muka": 2,
        "lama_bulan": 6,
    }

    application = submitted(siti, city, "reklame", form=form)

    assert application.fee_amount == int(Decimal("2.5") * 2 * 6 * 15000) == 450000


def test_a_crowd_permit_on_city_land_pays_a_fixed_fee(siti, city):
    form = {
        "nama_kegiatan": "Pesta pernikahan",
        "jenis_kegiatan": "Hajatan/pesta",
        "tanggal_kegiatan": "2026-12-12",
        "lokasi_kegiatan": "Lapangan Merdeka Binjai",
        "perkiraan_peserta": 300,
    }

    assert submitted(siti, city, "keramaian", form=form).fee_amount == 150000


def test_the_catalogue_describes_each_type_s_fee(city):
    texts = {t.code: t.fee_text for t in actions.catalogue(city)}

    assert texts["siup"] == "Gratis (tanpa retribusi)"
    assert texts["pbg"] == "Luas total lantai × Rp10.000 per m², paling sedikit Rp250.000"
    assert texts["keramaian"] == "Rp150.000 (Retribusi pemakaian kekayaan daerah, per kegiatan)"
