from django.urls import path

app_name = "disbursements"

urlpatterns = []

# --- receipts: the handover's procès-verbal (PDF) and the verification of a printed one ---
from disbursements.views import receipts  # noqa: E402

urlpatterns += [
    path("handovers/<int:pk>/receipt.pdf", receipts.receipt, name="receipt"),
    path("verify/", receipts.verify, name="verify"),
]
