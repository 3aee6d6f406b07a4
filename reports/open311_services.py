"""Open311 services: the report categories, and the service definition a client renders as its form.

Every service definition ends with a required `kelurahan` attribute (a
singlevaluelist of the city's kelurahan): a report belongs to a kelurahan, and
there is no kelurahan boundary data to find it from a map point. Standard
clients render it like any other attribute, so they need no change to send it.
The answers to the category's own attributes are checked by
`reports.actions.check_submission`, like those from the web form.
"""

from cities.models import Kelurahan
from reports.open311_format import Open311Error

KELURAHAN = "kelurahan"


def active_services(city):
    return city.report_categories.filter(active=True).order_by("group", "name")


def service_entry(category):
    """One <service> of GET services."""
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        # Always true: every service asks for the kelurahan in its definition.
        "metadata": True,
        # The report number is given at once: no tokens to wait for.
        "type": "realtime",
        "keywords": ", ".join(category.keywords.split()),
        "group": category.group,
    }


def service_definition(category, city):
    return {"service_code": category.code, "attributes": definition_attributes(category, city)}


def definition_attributes(category, city):
    """The category's own attributes in their order, numbered 1…n, then the kelurahan (n + 1)."""
    own = sorted(enumerate(category.attributes), key=lambda pair: (pair[1].get("order", pair[0] + 1), pair[0]))
    attributes = [_attribute(spec, order) for order, (_, spec) in enumerate(own, start=1)]
    attributes.append(_kelurahan_attribute(city, len(attributes) + 1))
    return attributes


def _attribute(spec, order):
    return {
        "variable": spec.get("variable", True),
        "code": spec["code"],
        "datatype": spec["datatype"],
        "required": bool(spec.get("required", False)),
        "datatype_description": spec.get("datatype_description") or None,
        "order": order,
        "description": spec.get("description", ""),
        "values": [{"key": value["key"], "name": value["name"]} for value in spec.get("values", [])],
    }


def _kelurahan_attribute(city, order):
    kelurahan = Kelurahan.objects.filter(kecamatan__city=city).select_related("kecamatan").order_by("name")
    return {
        "variable": True,
        "code": KELURAHAN,
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": "Kode kelurahan dari daftar ini; nama kelurahan juga diterima.",
        "order": order,
        "description": f"Kelurahan tempat masalah berada di {city.name}.",
        "values": [{"key": str(k.pk), "name": f"{k.name} (Kecamatan {k.kecamatan.name})"} for k in kelurahan],
    }


def kelurahan_key(value, city):
    """The kelurahan's key as the definition lists it, also when the client sent its name ('Tangsi').

    Anything else is passed on as it came, for the submission check to refuse.
    """
    if value.isdigit():
        return value
    matches = list(Kelurahan.objects.filter(kecamatan__city=city, name__iexact=value).values_list("pk", flat=True))
    if len(matches) > 1:
        raise Open311Error(
            400, f"attribute[{KELURAHAN}]: ada {len(matches)} kelurahan bernama '{value}'; kirim kodenya."
        )
    return str(matches[0]) if matches else value
