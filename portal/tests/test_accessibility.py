"""Accessibility and lightness rules every page keeps: language, skip link, labels, contrast, no web fonts."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from conftest import PASSWORD

CSS = Path(settings.BASE_DIR, "static", "css", "kc.css").read_text()

# (text colour, background) pairs as the stylesheet uses them.
TEXT_ON_BACKGROUND = [
    ("ink", "paper"),
    ("ink", "surface"),
    ("muted", "paper"),
    ("muted", "surface"),
    ("brand", "paper"),
    ("brand", "surface"),
    ("paper", "brand"),
    ("paper", "brand-dark"),
    ("brand-dark", "paper"),
    ("danger", "paper"),
    ("danger", "danger-bg"),
    ("ok", "ok-bg"),
    ("warn", "warn-bg"),
]


def colour(name):
    value = re.search(rf"--{re.escape(name)}:\s*#([0-9a-fA-F]{{6}});", CSS).group(1)
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))


def luminance(rgb):
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    light, dark = sorted((luminance(colour(a)), luminance(colour(b))), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(("text", "background"), TEXT_ON_BACKGROUND)
def test_text_colours_contrast_at_least_4_5_to_1(text, background):
    assert contrast(text, background) >= 4.5


def test_focus_is_visible_and_fonts_are_the_systems():
    assert ":focus-visible { outline: 3px solid var(--focus)" in CSS
    assert contrast("focus", "paper") >= 3
    assert "@font-face" not in CSS and "url(" not in CSS


class PageStructure(HTMLParser):
    def __init__(self):
        super().__init__()
        self.html_lang = None
        self.ids, self.label_for, self.inputs, self.links, self.assets = set(), set(), [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "label" and "for" in attrs:
            self.label_for.add(attrs["for"])
        elif tag in {"input", "select", "textarea"} and attrs.get("type") not in {"hidden", "submit"}:
            self.inputs.append(attrs.get("id"))
        elif tag == "a":
            self.links.append(attrs.get("href", ""))
        elif tag in {"script", "link", "img"}:
            self.assets.append(attrs.get("src") or attrs.get("href") or "")


def structure(response):
    parser = PageStructure()
    parser.feed(response.content.decode())
    return parser


PUBLIC_PAGES = ["portal:home", "portal:about", "accounts:register", "accounts:login"]
CITIZEN_PAGES = ["portal:my_cases", "portal:profile", "accounts:logout"]


@pytest.mark.parametrize("name", PUBLIC_PAGES + CITIZEN_PAGES + ["portal:officer_workspace"])
def test_every_page_is_indonesian_skippable_labelled_and_self_contained(name, siti, budi, client):
    client.force_login(budi if name == "portal:officer_workspace" else siti)
    if name in PUBLIC_PAGES:
        client.logout()

    response = client.get(reverse(name))

    assert response.status_code == 200
    page = structure(response)
    assert page.html_lang == "id"
    assert page.links[0] == "#isi" and "isi" in page.ids
    assert all(input_id in page.label_for for input_id in page.inputs), page.inputs
    assert 'aria-live="polite"' in response.content.decode()
    assert not [asset for asset in page.assets if asset.startswith(("http:", "https:", "//"))]


def test_form_errors_are_announced_and_tied_to_their_fields(city, client):
    response = client.post(reverse("accounts:login"), {"login_id": "", "password": PASSWORD})

    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'aria-describedby="id_login_id_helptext id_login_id_error"' in html
    assert 'href="#id_login_id"' in html
