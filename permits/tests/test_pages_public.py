"""The public pages of e-Perizinan (no login): the catalogue, a permit type, tracking, and the SKM index."""

import re
from html import unescape

import pytest
from django.urls import reverse

from cities.models import forget_current_city
from conftest import load_city_profile
from permits import actions
from permits.models import PermitType, Status
from permits.tests.conftest import draft, issue, submitted
from portal.tests.test_accessibility import structure

pytestmark = pytest.mark.usefixtures("media")


def text(response):
    return unescape(response.content.decode())


def assert_accessible(response):
    page = structure(response)
    assert page.html_lang == "id" and page.links[0] == "#isi"
    assert all(input_id in page.label_for for input_id in page.inputs), page.inputs
    assert not [asset for asset in page.assets if asset.startswith(("http:", "https:", "//"))]


# --- The catalogue ------------------------------------------------------------------------------


def test_the_catalogue_groups_the_permit_types_and_marks_the_counter_only_ones(client, city):
    response = client.get(reverse("permits:catalogue"))

    assert response.status_code == 200
    assert_accessible(response)
    page = text(response)
    for group in ("Perdagangan dan Usaha", "Kesehatan", "Bangunan dan Tata Ruang", "Perhubungan"):
        assert f">{group}</h2>" in page
    trayek = page[page.index("Izin Trayek Angkutan Kota") :]
    assert trayek[: trayek.index("</li>")].count("Hanya di loket") == 1
    siup = page[page.index("Surat Izin Usaha Perdagangan (SIUP)") :]
    assert "Bisa diajukan online" in siup[: siup.index("</li>")]
    assert page.count("Hanya di loket") == 2  # izin trayek and limbah B3
    assert "Lama proses paling lama 24 jam kerja" in page  # SIUP: 8 + 16 working hours


def test_the_catalogue_is_searched_by_name(client, city):
    response = client.get(reverse("permits:catalogue"), {"q": "praktik"})

    page = text(response)
    assert response.status_code == 200
    assert "3 jenis izin cocok dengan “praktik”" in page
    assert "Surat Izin Praktik Dokter" in page and "Surat Izin Praktik Apoteker" in page
    assert "Persetujuan Bangunan Gedung" not in page


def test_a_search_that_finds_nothing_says_so(client, city):
    page = text(client.get(reverse("permits:catalogue"), {"q": "kapal selam"}))

    assert "Tidak ada jenis izin yang cocok dengan “kapal selam”" in page


def test_an_overlong_search_is_an_error(client, city):
    response = client.get(reverse("permits:catalogue"), {"q": "x" * 101})

    assert response.status_code == 400
    assert "Kata pencarian paling panjang 100 karakter." in text(response)


def test_an_inactive_type_is_not_in_the_catalogue(client, city):
    PermitType.objects.filter(city=city, code="sktr").update(active=False)

    assert "Rencana Tata Ruang" not in text(client.get(reverse("permits:catalogue")))
    assert client.get(reverse("permits:type", args=["sktr"])).status_code == 404


def test_the_navigation_and_the_home_page_link_to_the_permits(client, city):
    page = text(client.get(reverse("portal:home")))

    assert f'href="{reverse("permits:catalogue")}"' in page and ">Izin</a>" in page
    assert f'<a href="{reverse("permits:track")}">Lacak permohonan</a>' in page


# --- A permit type ------------------------------------------------------------------------------


def test_a_permit_type_shows_its_basis_requirements_fee_steps_and_validity(client, city):
    response = client.get(reverse("permits:type", args=["pbg"]))

    assert response.status_code == 200
    assert_accessible(response)
    page = text(response)
    pbg = PermitType.objects.get(city=city, code="pbg")
    assert pbg.legal_basis.splitlines()[0] in page
    assert all(requirement["name"] in page for requirement in pbg.required_documents)
    assert re.search(r"<td>PDF</td>\s*<td>20 MB</td>", page)  # the technical plans: PDF only, up to 20 MB
    assert re.search(r"<td>PDF, JPEG, PNG</td>\s*<td>2 MB</td>", page)  # the KTP
    assert "khusus permohonan atas nama badan usaha" in page  # the deed
    assert "Luas total lantai × Rp10.000 per m², paling sedikit Rp250.000" in page
    number_field = next(f for f in pbg.form_fields if f["code"] == "luas_lantai")
    assert f"Rumus: retribusi (rupiah) = {number_field['label']} × 10.000." in page
    assert "Dibayar setelah permohonan disetujui" in page
    assert "paling lama 5 hari kerja" in page and "Paling lama 13 hari kerja" in page
    assert f"Kepala {pbg.technical_opd.short_name}" in page
    assert "Masuk untuk mengajukan" in page


def test_the_siup_says_it_takes_working_hours_and_costs_nothing(client, city):
    page = text(client.get(reverse("permits:type", args=["siup"])))

    assert "paling lama 8 jam kerja" in page and "paling lama 16 jam kerja" in page
    assert "Gratis (tanpa retribusi)" in page and "Rumus:" not in page


def test_validity_is_explained(client, city):
    PermitType.objects.filter(city=city, code="siup").update(validity_months=None)
    PermitType.objects.filter(city=city, code="reklame").update(validity_months=12)
    PermitType.objects.filter(city=city, code="keramaian").update(validity_months=1)

    assert "Tidak ada masa berlaku" in text(client.get(reverse("permits:type", args=["siup"])))
    assert "1 tahun sejak tanggal terbit." in text(client.get(reverse("permits:type", args=["reklame"])))
    assert "1 bulan sejak tanggal terbit." in text(client.get(reverse("permits:type", args=["keramaian"])))


def test_a_counter_only_type_has_no_apply_button(client, city, siti):
    client.force_login(siti)

    page = text(client.get(reverse("permits:type", args=["izin-trayek"])))

    assert "hanya dapat diajukan langsung di loket" in page
    assert reverse("permits:apply", args=["izin-trayek"]) not in page


def test_a_citizen_gets_the_apply_button(client, city, siti):
    client.force_login(siti)

    page = text(client.get(reverse("permits:type", args=["siup"])))

    assert f'href="{reverse("permits:apply", args=["siup"])}"' in page


def test_an_unknown_permit_type_is_404(client, city):
    assert client.get(reverse("permits:type", args=["izin-terbang"])).status_code == 404


def test_another_citys_permit_type_is_404(client, palu, settings):
    other = PermitType.objects.filter(city=palu).first()
    other.code = "khusus-palu"
    other.save(update_fields=["code"])
    assert client.get(reverse("permits:type", args=["khusus-palu"])).status_code == 200

    settings.CITY = "binjai"
    load_city_profile("binjai")
    forget_current_city()

    assert client.get(reverse("permits:type", args=["khusus-palu"])).status_code == 404


# --- Tracking -----------------------------------------------------------------------------------


def test_tracking_shows_the_step_and_status_and_nothing_personal(client, siti, city, fajar):
    actions.do_save_company(siti, name="CV Siti Jaya", nib="1234567890123", address="Jl. Sudirman 1")
    application = submitted(siti, city, "siup")
    actions.do_claim(fajar, application)
    application.refresh_from_db()

    response = client.get(reverse("permits:track"), {"nomor": application.registration_number.lower()})

    assert response.status_code == 200
    assert_accessible(response)
    page = text(response)
    assert application.registration_number in page
    assert "Sedang diproses" in page and application.current_step["name"] in page
    for private in [
        "Siti",
        siti.login_id,
        siti.phone,
        siti.email,
        "Toko Sembako Siti",
        "Jl. Sudirman",
        "Fajar",
        fajar.login_id,
        "CV Siti Jaya",
    ]:
        assert private not in page, private
    assert response["Cache-Control"] == "no-store"


def test_tracking_an_issued_permit_says_so(client, siti, city, fajar, rahmat):
    application = issue(submitted(siti, city, "siup"), fajar, rahmat)

    page = text(client.get(reverse("permits:track"), {"nomor": application.registration_number}))

    assert "Izin terbit" in page and "Langkah sekarang" not in page


def test_tracking_an_unknown_number_says_so_clearly(client, city):
    response = client.get(reverse("permits:track"), {"nomor": "REG-2026-999999"})

    assert response.status_code == 404
    assert "Tidak ada permohonan dengan nomor REG-2026-999999." in text(response)


def test_tracking_something_that_is_not_a_number_is_a_form_error(client, city):
    response = client.get(reverse("permits:track"), {"nomor": "1275014505900002"})

    assert response.status_code == 400
    assert "Nomor registrasi berbentuk REG-tahun-nomor urut" in text(response)
    assert 'role="alert"' in text(response)
    empty = client.get(reverse("permits:track"), {"nomor": ""})
    assert empty.status_code == 400 and "Tuliskan nomor registrasi permohonan." in text(empty)


def test_the_tracking_form_opens_empty(client, city):
    response = client.get(reverse("permits:track"))

    assert response.status_code == 200
    assert_accessible(response)
    assert 'name="nomor"' in text(response)


def test_a_draft_cannot_be_tracked(client, siti, city):
    application = draft(siti, city, "siup")

    assert application.status == Status.DRAFT and application.registration_number is None
    assert client.get(reverse("permits:track"), {"nomor": "REG-2026-000001"}).status_code == 404


# --- SKM ----------------------------------------------------------------------------------------


def test_the_skm_page_without_answers_says_none_yet(client, city):
    response = client.get(reverse("permits:skm"))

    assert response.status_code == 200
    assert_accessible(response)
    page = text(response)
    assert "Belum ada jawaban survei kepuasan" in page
    assert "88,31 – 100,00" in page and "25,00 – 64,99" in page  # the regulation's grade table


def test_the_skm_page_publishes_the_index_per_type_and_quarter_with_its_grade(client, siti, city, fajar, rahmat):
    first = issue(submitted(siti, city, "siup"), fajar, rahmat)
    second = issue(submitted(siti, city, "siup"), fajar, rahmat)
    actions.do_answer_survey(siti, first, {f"u{n}": 4 for n in range(1, 10)})
    actions.do_answer_survey(siti, second, {f"u{n}": 3 for n in range(1, 10)})

    response = client.get(reverse("permits:skm"))

    page = text(response)
    assert response.status_code == 200
    # (3.5 average on every element) × 25 = 87.50: grade B.
    assert re.search(r"Surat Izin Usaha Perdagangan \(SIUP\)</a></td><td>2</td><td>87,50</td><td>.*?B.*?Baik", page)
    assert 'IKM <strong>87,50</strong>, mutu pelayanan <span class="grade">B</span> (Baik), dari 2 responden' in page
    assert re.search(r"Triwulan (I|II|III|IV) \d{4}", page)
    assert "8. Penanganan pengaduan, saran dan masukan" in page
    assert "Siti" not in page
