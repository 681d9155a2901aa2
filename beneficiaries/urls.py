from django.urls import path

from beneficiaries.views import export, registry

app_name = "beneficiaries"

urlpatterns = [
    path("", registry.beneficiary_list, name="list"),
    path("export.<str:file_format>", export.beneficiary_export, name="export"),
    path("new/", registry.beneficiary_create, name="create"),
    path("<int:pk>/", registry.beneficiary_detail, name="detail"),
    path("<int:pk>/edit/", registry.beneficiary_edit, name="edit"),
    path("<int:pk>/reveal-cin/", registry.reveal_cin, name="reveal_cin"),
    path("<int:pk>/status/", registry.change_status, name="change_status"),
    path("<int:pk>/consent/", registry.record_consent, name="record_consent"),
    # --- import routes (owned by beneficiaries/views/imports.py) ---
    # --- end of import routes ---
]
