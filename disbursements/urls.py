from django.urls import path  # noqa: F401 (the views' patterns come with the screens)

app_name = "disbursements"

urlpatterns = []
