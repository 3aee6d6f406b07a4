"""Open311 GeoReport v2 documents: what each method answers, in XML and in JSON.

The JSON is the specification's "Spark convention" mapping of the XML: a list
of <request> elements under <service_requests> is a JSON array of objects, a
list of <value> elements under <values> is an array named "values", and so on.
One builder per document makes the Python structure; `render()` writes either
format, so the two can never disagree.
"""

import json
import re
from datetime import datetime, time
from xml.etree import ElementTree

from django.http import HttpResponse

XML = "xml"
JSON = "json"
FORMATS = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
YEARS = range(2000, 2101)

# The element name of one item of each list (XML), e.g. <attributes><attribute>…
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

# Characters XML 1.0 cannot carry at all (a report text pasted from elsewhere may hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(data, fmt, root, status=200):
    """One Open311 document: a list (under `root` in XML) or an object (the `root` element itself)."""
    if fmt == JSON:
        body = json.dumps(data, ensure_ascii=False)
    else:
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(_element(root, data), "unicode")
    return HttpResponse(body.encode(), status=status, content_type=FORMATS[fmt])


def render_errors(fmt, status, descriptions):
    """The specification's error document: [{"code", "description"}], <errors><error>… in XML."""
    return render([{"code": status, "description": text} for text in descriptions], fmt, "errors", status)


def _element(name, value):
    element = ElementTree.Element(name)
    if isinstance(value, list):
        for item in value:
            element.append(_element(ITEM_NAMES[name], item))
    elif isinstance(value, dict):
        for key, item in value.items():
            element.append(_element(key, item))
    elif value is not None:
        element.text = _NOT_XML.sub("", _text(value))
    return element


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def w3c_datetime(moment, zone):
    """'2026-03-02T09:15:00+07:00': ISO 8601 with the offset, in the city's zone, as the spec requires."""
    if moment is None:
        return None
    return moment.astimezone(zone).isoformat(timespec="seconds")


def parse_w3c_datetime(value, zone, *, end_of_day=False):
    """A W3C/ISO 8601 date-time ('2026-03-01T00:00:00Z', '…+07:00') or date ('2026-03-01') in YEARS; else None.

    A time without an offset is read in the city's zone; a bare date is the
    start of that day, or its end when it closes a range (`end_of_day`).
    """
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    # Far from the years reports live in, the date arithmetic and the database overflow.
    if moment.year not in YEARS:
        return None
    if len(value) == len("2026-03-01") and end_of_day:
        moment = datetime.combine(moment.date(), time.max)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


class Open311Error(Exception):
    """Bad input, answered with the specification's error document and HTTP status (400, 403 or 404)."""

    def __init__(self, status, *descriptions):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = list(descriptions)
