from django.urls import path

from beneficiaries.views import export, imports, registry

app_name = "beneficiaries"

urlpatterns = [
    path("", registry.beneficiary_list, name="list"),
    path("export.<str:file_format>", export.beneficiary_export, name="export"),
    path("find-by-cin/", registry.find_by_cin, name="find_by_cin"),
    path("new/", registry.beneficiary_create, name="create"),
    path("<int:pk>/", registry.beneficiary_detail, name="detail"),
    path("<int:pk>/edit/", registry.beneficiary_edit, name="edit"),
    path("<int:pk>/reveal-cin/", registry.reveal_cin, name="reveal_cin"),
    path("<int:pk>/status/", registry.change_status, name="change_status"),
    path("<int:pk>/status/step-back/", registry.step_back_status, name="step_back_status"),
    path("<int:pk>/consent/", registry.record_consent, name="record_consent"),
    path("<int:pk>/consent/<int:consent_pk>/withdraw/", registry.withdraw_consent, name="withdraw_consent"),
    # --- import routes (owned by beneficiaries/views/imports.py) ---
    path("import/", imports.import_upload, name="import_upload"),
    path("import/template.xlsx", imports.import_template, name="import_template"),
    path("import/<int:pk>/", imports.import_detail, name="import_detail"),
    path("import/<int:pk>/status/", imports.import_status, name="import_status"),
    path("import/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/<int:pk>/cancel/", imports.import_cancel, name="import_cancel"),
    path("import/<int:pk>/errors.csv", imports.import_errors, name="import_errors"),
    # --- end of import routes ---
]
