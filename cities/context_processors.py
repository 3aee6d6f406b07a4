from cities.models import current_city


def city(request):
    return {"city": current_city()}
