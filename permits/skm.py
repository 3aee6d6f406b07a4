"""Survei Kepuasan Masyarakat (SKM) per PermenPANRB No. 14 Tahun 2017.

Nine elements (unsur), each answered 1–4. The index:
    NRR per element = the average of its answers;
    IKM = (Σ NRR × 1/9) × 25, on a 25–100 scale
(the regulation's weight 0.111 is 1/9 rounded; the exact ninth is used here). The grade (mutu pelayanan)
follows the regulation's conversion table.
"""

from dataclasses import dataclass

from django.db.models import Avg, Count

ELEMENTS = [
    (
        "u1",
        "Persyaratan",
        "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    (
        "u2",
        "Sistem, mekanisme, dan prosedur",
        "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    ),
    (
        "u3",
        "Waktu penyelesaian",
        "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
        ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
    ),
    (
        "u4",
        "Biaya/tarif",
        "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
        ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
    ),
    (
        "u5",
        "Produk spesifikasi jenis pelayanan",
        "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar "
        "pelayanan dengan hasil yang diberikan?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    (
        "u6",
        "Kompetensi pelaksana",
        "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
        ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
    ),
    (
        "u7",
        "Perilaku pelaksana",
        "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
        ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"),
    ),
    (
        "u8",
        "Penanganan pengaduan, saran dan masukan",
        "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
        ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"),
    ),
    (
        "u9",
        "Sarana dan prasarana",
        "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
        ("Buruk", "Cukup", "Baik", "Sangat baik"),
    ),
]
CODES = [code for code, *_ in ELEMENTS]

# PermenPANRB 14/2017, lampiran: nilai interval konversi IKM → mutu pelayanan.
GRADES = [(88.31, "A", "Sangat baik"), (76.61, "B", "Baik"), (65.00, "C", "Kurang baik"), (25.00, "D", "Tidak baik")]


@dataclass(frozen=True)
class Ikm:
    respondents: int
    element_averages: dict  # {"u1": NRR, ...}, two decimals
    index: float  # 25–100, two decimals
    grade: str  # A–D
    grade_label: str

    def as_dict(self):
        return {
            "respondents": self.respondents,
            "element_averages": self.element_averages,
            "ikm": self.index,
            "grade": self.grade,
            "grade_label": self.grade_label,
        }


def grade_of(index):
    for floor, grade, label in GRADES:
        if index >= floor:
            return grade, label
    return GRADES[-1][1], GRADES[-1][2]


def ikm_from_averages(respondents, averages):
    """The index from each element's average answer (NRR); None without respondents."""
    if not respondents:
        return None
    index = round(sum(averages[code] for code in CODES) / len(CODES) * 25, 2)
    grade, label = grade_of(index)
    return Ikm(
        respondents=respondents,
        element_averages={code: round(averages[code], 2) for code in CODES},
        index=index,
        grade=grade,
        grade_label=label,
    )


def compute_ikm(responses):
    """The IKM of a queryset of SurveyResponse (aggregated in the database) or of a list of answer dicts."""
    if hasattr(responses, "aggregate"):
        row = responses.aggregate(n=Count("pk"), **{code: Avg(code) for code in CODES})
        return ikm_from_averages(row["n"], {code: float(row[code] or 0) for code in CODES})
    answers = list(responses)
    if not answers:
        return None
    averages = {code: sum(a[code] for a in answers) / len(answers) for code in CODES}
    return ikm_from_averages(len(answers), averages)
