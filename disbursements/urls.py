from django.urls import path

from disbursements.views import handover_actions, handovers

app_name = "disbursements"

urlpatterns = [
    # --- handovers.py and handover_actions.py: the list, a handover's page, planning, transitions ---
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
]
