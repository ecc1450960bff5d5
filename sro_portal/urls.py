from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from accountability.views.home import HomeView

from . import directory_views as directory
from . import two_factor_views, views

directory_patterns = [
    path("districts/", directory.DistrictListView.as_view(), name="district_list"),
    path("districts/<int:pk>/", directory.DistrictDetailView.as_view(), name="district_detail"),
    path("schools/", directory.SchoolListView.as_view(), name="school_list"),
    path("schools/<int:pk>/", directory.SchoolDetailView.as_view(), name="school_detail"),
    path("agencies/", directory.AgencyListView.as_view(), name="agency_list"),
    path("agencies/<int:pk>/", directory.AgencyDetailView.as_view(), name="agency_detail"),
]

two_factor_patterns = [
    path("", two_factor_views.VerifyView.as_view(), name="verify"),
    path("setup/", two_factor_views.SetupView.as_view(), name="setup"),
    path("recovery-codes/", two_factor_views.RecoveryCodesView.as_view(), name="recovery_codes"),
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        views.PasswordChangeView.as_view(success_url=reverse_lazy("home")),
        name="password_change",
    ),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/two-step/", include((two_factor_patterns, "two_factor"))),
    path("", include((directory_patterns, "directory"))),
    path("", include("programs.urls")),
    path("training/", include("training.urls")),
    path("field/", include("incidents.urls")),
    path("accountability/", include("accountability.urls")),
    path("public/", include("accountability.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
