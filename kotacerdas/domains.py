"""The citizen services installed in this project, in one explicit list.

Each domain app exposes the same small contract in `<app>/exports.py`
(docs/architecture.md): `load_profile_section(city, data)` for its part of a
city profile, `citizen_cases(user)` for the "my cases" page, and `stats(city)`
for the Command Center. The platform reaches the services only through here.
"""

from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

DOMAIN_APPS = ["reports", "permits", "clinics"]


@dataclass(frozen=True)
class CaseSummary:
    """One line of a citizen's "my cases" page, whatever the service."""

    service: str
    number: str
    title: str
    status: str
    updated_at: datetime
    url: str


def exports(app):
    return import_module(f"{app}.exports")


def citizen_cases(user):
    """Everything the citizen submitted, in every service, newest change first."""
    cases = [case for app in DOMAIN_APPS for case in exports(app).citizen_cases(user)]
    return sorted(cases, key=lambda case: case.updated_at, reverse=True)


def load_profile_sections(city, data):
    """Load each service's section of a city profile (e.g. "reports": its categories); returns counts."""
    counts = {}
    for app in DOMAIN_APPS:
        if app in data:
            counts.update(exports(app).load_profile_section(city, data[app]))
    return counts
