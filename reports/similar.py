"""Reports like the one a citizen is writing: open, public, close in place or similar in words.

Shown while the citizen types, so that they can back an existing report
("saya juga") instead of filing a duplicate. With a point, every open public
report within RADIUS_M is a candidate, ranked by nearness and word overlap;
without one, open public reports of the same kelurahan that share enough words.
"""

import re
from dataclasses import dataclass

from cities.geo import bounding_box, distance_m
from reports.models import OPEN_STATUSES, PUBLIC_STATUSES, Report

RADIUS_M = 150
# Only reports the Command Center has checked can be supported (reports.actions.do_support).
SUGGESTED_STATUSES = OPEN_STATUSES & PUBLIC_STATUSES
# Without a point: how many of the kelurahan's newest open reports are compared, and how many
# content words one must share with the text to count as similar.
KELURAHAN_CANDIDATES = 200
MIN_SHARED_WORDS = 2

# Words that say nothing about the problem (Indonesian function words and common chat abbreviations).
STOP_WORDS = frozenset(
    """
    ada adalah agar akan aku atas atau bagi bahwa banyak baru belum bisa bu buat dah dalam dan dapat dari dekat
    dengan depan di dia dgn dr dong dulu gak hari harus hingga ia ini itu jadi jika juga kak kalau kami kamu karena
    ke kita krn lagi lah lama masih mau mereka mohon mulai nya oleh pada pak para pun saat saja sama sampai sangat
    saya sdh segera sejak sekali sekitar selama semua sendiri sering setiap sudah supaya tapi telah tentang tersebut
    tetapi tidak tdk tolong untuk utk warga yang yg
    """.split()
)
WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Suggestion:
    report: Report
    distance_m: float | None  # None when the citizen gave no point
    score: float  # 0..1, higher is more alike


def words(text):
    """The content words of a text: lower-cased, without stop words; the possessive '-nya' dropped."""
    found = set()
    for word in WORD.findall((text or "").lower()):
        if len(word) > 5 and word.endswith("nya"):
            word = word[:-3]
        if len(word) > 1 and word not in STOP_WORDS:
            found.add(word)
    return found


def text_similarity(a, b):
    """Jaccard index of two word sets: shared words over all words."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similar_open_reports(
    city, *, lat=None, lon=None, text="", category=None, kelurahan=None, limit=5, exclude_owner=None
):
    """Open public reports like the one being written, most alike first (a list of Suggestion).

    `category` is a category code, `kelurahan` a Kelurahan (used when there is no point),
    `exclude_owner` a user whose own reports are left out (nobody supports their own report).
    """
    query_words = words(text)
    candidates = Report.objects.filter(city=city, status__in=SUGGESTED_STATUSES).select_related("category", "kelurahan")
    if exclude_owner is not None and exclude_owner.is_authenticated:
        candidates = candidates.exclude(owner=exclude_owner)
    if lat is not None and lon is not None:
        suggestions = _near(candidates, lat, lon, query_words, category)
    elif kelurahan is not None and query_words:
        suggestions = _same_kelurahan(candidates, kelurahan, query_words, category)
    else:
        return []
    suggestions.sort(key=lambda s: (-s.score, s.distance_m or 0, -s.report.pk))
    return suggestions[:limit]


def _near(candidates, lat, lon, query_words, category):
    lat_min, lat_max, lon_min, lon_max = bounding_box(lat, lon, RADIUS_M)
    boxed = candidates.filter(lat__range=(lat_min, lat_max), lon__range=(lon_min, lon_max))
    suggestions = []
    for report in boxed:
        distance = distance_m(lat, lon, report.lat, report.lon)
        if distance > RADIUS_M:
            continue  # inside the box's corner, outside the circle
        nearness = 1 - distance / RADIUS_M
        likeness = text_similarity(query_words, words(report.description))
        same_category = 1.0 if category and report.category.code == category else 0.0
        score = 0.5 * nearness + 0.4 * likeness + 0.1 * same_category
        suggestions.append(Suggestion(report=report, distance_m=distance, score=round(score, 3)))
    return suggestions


def _same_kelurahan(candidates, kelurahan, query_words, category):
    newest = candidates.filter(kelurahan=kelurahan).order_by("-created_at", "-id")[:KELURAHAN_CANDIDATES]
    suggestions = []
    for report in newest:
        report_words = words(report.description)
        if len(query_words & report_words) < MIN_SHARED_WORDS:
            continue
        same_category = 1.0 if category and report.category.code == category else 0.0
        score = 0.8 * text_similarity(query_words, report_words) + 0.2 * same_category
        suggestions.append(Suggestion(report=report, distance_m=None, score=round(score, 3)))
    return suggestions
