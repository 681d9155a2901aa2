from django.urls import path

app_name = "disbursements"

urlpatterns = []

# --- history import routes (owned by disbursements/views/history.py) ---
from disbursements.views import history  # noqa: E402

urlpatterns += [
    path("history/", history.history_upload, name="history_upload"),
    path("history/template.xlsx", history.history_template, name="history_template"),
    path("history/<int:pk>/", history.history_detail, name="history_detail"),
    path("history/<int:pk>/status/", history.history_status, name="history_status"),
    path("history/<int:pk>/confirm/", history.history_confirm, name="history_confirm"),
    path("history/<int:pk>/cancel/", history.history_cancel, name="history_cancel"),
    path("history/<int:pk>/errors.csv", history.history_errors, name="history_errors"),
]
# --- end of history import routes ---
