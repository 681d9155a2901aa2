from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from reintegration import views

handler403 = views.permission_denied

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switcher must work on the log-in page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/login/", views.admin_login),
    path("admin/", admin.site.urls),
    path("account/", include("accounts.urls")),
    path("beneficiaries/", include("beneficiaries.urls")),
    path("partners/", include("partners.urls")),
    path("projects/", include("projects.urls")),
    path("disbursements/", include("disbursements.urls")),
    path("dashboards/", include("dashboards.urls")),
]
