from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.nik import check_nik_for_city, check_nip, mask_nik, parse_nik
from conftest import ANDI_NIK, SITI_NIK

TODAY = date(2026, 3, 1)
MEDAN_NIK = "1271021208850003"


def refusal(nik, **kwargs):
    with pytest.raises(ValidationError) as caught:
        parse_nik(nik, today=TODAY, **kwargs)
    return caught.value


def test_a_mans_nik_gives_his_birth_date_and_region():
    info = parse_nik(ANDI_NIK, today=TODAY)
    assert info.region_prefix == "1275"
    assert info.kecamatan_code == "02"
    assert info.birth_date == date(1985, 8, 12)
    assert info.female is False


def test_a_womans_nik_carries_her_birth_day_plus_40():
    info = parse_nik(SITI_NIK, today=TODAY)
    assert info.birth_date == date(1990, 5, 5)
    assert info.female is True


def test_surrounding_spaces_are_forgiven():
    assert parse_nik(f"  {SITI_NIK} ", today=TODAY).birth_date == date(1990, 5, 5)


@pytest.mark.parametrize(
    "nik",
    [
        "127501450590000",  # 15 digits
        "12750145059000021",  # 17 digits
        "12750145059000AB",
        "1275-14505900002",
        "١٢٧٥٠١٤٥٠٥٩٠٠٠٠٢",  # Arabic-Indic digits: digits, but not a NIK
        "",
        None,
    ],
)
def test_a_nik_must_be_16_ascii_digits(nik):
    error = refusal(nik)
    assert error.code == "nik_format"
    assert error.messages == ["NIK harus terdiri dari 16 digit angka."]


@pytest.mark.parametrize(
    "nik",
    [
        "1275013205900002",  # day 32
        "1275011213900002",  # month 13
        "1275017205900002",  # day 72 = 32 + 40
        "1275014005900002",  # day 40: neither a man's nor a woman's day
        "1275010005900002",  # day 0
        "1275012902250002",  # 29 February 2025
    ],
)
def test_an_impossible_birth_date_is_refused(nik):
    error = refusal(nik)
    assert error.code == "nik_birth_date"
    assert "digit 7–12" in error.messages[0]


def test_a_leap_day_birth_is_accepted():
    assert parse_nik("1275016902000002", today=TODAY).birth_date == date(2000, 2, 29)


def test_a_birth_date_later_this_year_is_in_the_future():
    error = refusal("1275011506260001")  # 15 June 2026, seen on 1 March 2026
    assert error.code == "nik_birth_date"
    assert "masa depan" in error.messages[0]


def test_a_two_digit_year_after_this_year_belongs_to_the_last_century():
    assert parse_nik("1275011506270001", today=TODAY).birth_date == date(1927, 6, 15)


def test_serial_0000_is_refused():
    error = refusal("1275021208850000")
    assert error.code == "nik_serial"
    assert "0000" in error.messages[0]


def test_only_the_citys_own_niks_may_register_when_it_says_so(city):
    assert city.residents_only_registration is True
    assert check_nik_for_city(SITI_NIK, city).region_prefix == "1275"
    with pytest.raises(ValidationError) as caught:
        check_nik_for_city(MEDAN_NIK, city)
    assert caught.value.code == "nik_not_resident"
    assert caught.value.messages == [
        "NIK ini bukan NIK penduduk Kota Binjai (harus diawali 1275). Pendaftaran hanya untuk penduduk kota."
    ]


def test_a_city_open_to_non_residents_accepts_a_foreign_nik(city):
    city.residents_only_registration = False
    assert check_nik_for_city(MEDAN_NIK, city).region_prefix == "1271"


def test_a_city_open_to_non_residents_still_checks_the_nik(city):
    city.residents_only_registration = False
    with pytest.raises(ValidationError) as caught:
        check_nik_for_city("1271023208850003", city)
    assert caught.value.code == "nik_birth_date"


def test_a_valid_nip_is_returned_stripped():
    assert check_nip(" 198503152010011001 ") == "198503152010011001"


@pytest.mark.parametrize(
    ("nip", "code"),
    [
        ("19850315201001100", "nip_format"),  # 17 digits
        ("1985031520100110011", "nip_format"),  # 19 digits
        ("19850315201001100A", "nip_format"),
        ("198513152010011001", "nip_date"),  # birth month 13
        ("198502302010011001", "nip_date"),  # 30 February
        ("198503152010131001", "nip_date"),  # appointed in month 13
        ("198503151980011001", "nip_date"),  # appointed before birth
        ("209903152110011001", "nip_date"),  # born in the future
        ("198503152010013001", "nip_sex"),
    ],
)
def test_an_invalid_nip_is_refused_with_the_reason(nip, code):
    with pytest.raises(ValidationError) as caught:
        check_nip(nip, today=TODAY)
    assert caught.value.code == code


def test_mask_nik_keeps_the_region_and_the_serial_only():
    assert mask_nik(SITI_NIK) == "1275********0002"
    assert mask_nik(ANDI_NIK) == "1275********0003"
    assert mask_nik("") == ""
