from django.utils import timezone

from cities.models import current_city


class CityTimezoneMiddleware:
    """Run every request in the city's own time zone (WIB, WITA or WIT)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        city = current_city()
        if city is not None:
            timezone.activate(city.zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
