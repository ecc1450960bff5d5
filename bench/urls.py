"""The site's URLs plus two bench-only pages the load test compares the portal with: a trivial
page, and one that inserts one row. Only bench/settings.py names this module."""

from django.urls import path

from sro_portal.urls import urlpatterns as site_urlpatterns

from . import views

urlpatterns = [
    path("bench/minimal/", views.minimal_page, name="bench_minimal"),
    path("bench/minimal/insert/", views.minimal_insert, name="bench_minimal_insert"),
    *site_urlpatterns,
]
