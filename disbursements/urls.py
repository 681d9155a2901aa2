from django.urls import path

from disbursements.views import ceremonies, receipts

app_name = "disbursements"

urlpatterns = [
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
]
