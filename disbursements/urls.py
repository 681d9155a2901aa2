from django.urls import path

from disbursements.views import ceremonies, handover_actions, handovers, history, receipts

app_name = "disbursements"

urlpatterns = [
    # The list, a handover's page, planning and its transitions.
    path("handovers/", handovers.handover_list, name="handover_list"),
    path("handovers/export.<str:file_format>", handovers.handover_export, name="handover_export"),
    path("handovers/<int:pk>/", handovers.handover_detail, name="handover_detail"),
    path("handovers/<int:pk>/receipt-scan/", handovers.receipt_scan, name="receipt_scan"),
    path("handovers/<int:pk>/receipt-scan/upload/", handover_actions.upload_receipt_scan, name="upload_receipt_scan"),
    path("handovers/<int:pk>/edit/", handover_actions.edit_plan, name="edit_plan"),
    path("handovers/<int:pk>/deliver/", handover_actions.deliver, name="deliver"),
    path("handovers/<int:pk>/cancel/", handover_actions.cancel, name="cancel"),
    path("handovers/<int:pk>/reverse/", handover_actions.reverse, name="reverse"),
    path("lines/<int:line_pk>/plan/", handover_actions.plan_handover, name="plan"),
    # Ceremonies, their bulk planning and delivery, the press summary.
    path("ceremonies/", ceremonies.ceremony_list, name="ceremony_list"),
    path("ceremonies/new/", ceremonies.ceremony_create, name="ceremony_create"),
    path("ceremonies/<int:pk>/", ceremonies.ceremony_detail, name="ceremony_detail"),
    path("ceremonies/<int:pk>/edit/", ceremonies.ceremony_edit, name="ceremony_edit"),
    path("ceremonies/<int:pk>/add/", ceremonies.ceremony_add_projects, name="ceremony_add_projects"),
    path(
        "ceremonies/<int:pk>/handovers/<int:handover_pk>/remove/",
        ceremonies.ceremony_remove_handover,
        name="ceremony_remove_handover",
    ),
    path("ceremonies/<int:pk>/deliver/", ceremonies.ceremony_deliver, name="ceremony_deliver"),
    path("ceremonies/<int:pk>/press/", ceremonies.ceremony_press, name="ceremony_press"),
    # The handover's procès-verbal (PDF) and the verification of a printed one.
    path("handovers/<int:pk>/receipt.pdf", receipts.receipt, name="receipt"),
    path("verify/", receipts.verify, name="verify"),
    # The history import: upload, dry run and preview, confirmation, progress, invalid rows.
    path("history/", history.history_upload, name="history_upload"),
    path("history/template.xlsx", history.history_template, name="history_template"),
    path("history/<int:pk>/", history.history_detail, name="history_detail"),
    path("history/<int:pk>/status/", history.history_status, name="history_status"),
    path("history/<int:pk>/confirm/", history.history_confirm, name="history_confirm"),
    path("history/<int:pk>/cancel/", history.history_cancel, name="history_cancel"),
    path("history/<int:pk>/errors.csv", history.history_errors, name="history_errors"),
]
