from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("conventions/", views.convention_list, name="convention_list"),
    path("conventions/new/", views.convention_create, name="convention_create"),
    path("conventions/<int:pk>/", views.convention_detail, name="convention_detail"),
    path("conventions/<int:pk>/edit/", views.convention_edit, name="convention_edit"),
    path("conventions/<int:pk>/document/", views.convention_document, name="convention_document"),
]
