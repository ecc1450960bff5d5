"""The public pages: no sign-in, English and Spanish, the same for everyone."""

from django.urls import path

from .views import public

app_name = "public"

urlpatterns = [
    path("", public.PublicHomeView.as_view(), name="home"),
    path("districts/<str:dpi_code>/", public.PublicDistrictView.as_view(), name="district"),
]
