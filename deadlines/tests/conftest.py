from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cities.models import Kelurahan
from conftest import opd

WIB = ZoneInfo("Asia/Jakarta")


def wib(year, month, day, hour=0, minute=0, second=0):
    return datetime(year, month, day, hour, minute, second, tzinfo=WIB)


@pytest.fixture
def calendar(city):
    return city.calendar()


@pytest.fixture
def pupr(city):
    return opd(city, "dinas-pupr")


@pytest.fixture
def case(city):
    """Any model instance can carry a clock; a kelurahan stands in for a domain app's case."""
    return Kelurahan.objects.get(kecamatan__city=city, name="Tangsi")


@pytest.fixture
def other_case(city):
    return Kelurahan.objects.filter(kecamatan__city=city).exclude(name="Tangsi").first()
