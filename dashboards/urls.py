from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.own_dashboard, name="own"),
    path("national/", views.national_dashboard, name="national"),
    path("region/<str:code>/", views.region_dashboard, name="region"),
    path("province/<str:code>/", views.province_dashboard, name="province"),
]
