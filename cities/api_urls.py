from django.urls import path

from cities import api

urlpatterns = [path("city", api.CityView.as_view(), name="api-city")]
