from django.urls import path

from projects.views import actions, browse, documents, editing

app_name = "projects"

urlpatterns = [
    # --- browse.py and editing.py: lists, worklists, detail, drafting ---
    path("", browse.project_list, name="list"),
    path("export.<str:file_format>", browse.project_export, name="export"),
    path("awaiting-study/", browse.awaiting_study, name="awaiting_study"),
    path("awaiting-approval/", browse.awaiting_approval, name="awaiting_approval"),
    path("visits-due/", browse.visits_due, name="visits_due"),
    path("new/", editing.project_create, name="create"),
    path("<int:pk>/", browse.project_detail, name="detail"),
    path("<int:pk>/edit/", editing.project_edit, name="edit"),
    # --- actions.py and documents.py: the workflow's transitions, visits, documents ---
    path("<int:pk>/submit/", actions.submit, name="submit"),
    path("<int:pk>/study/", actions.record_study, name="record_study"),
    path("<int:pk>/lines/<int:line_pk>/approve/", actions.approve_line, name="approve_line"),
    path("<int:pk>/lines/<int:line_pk>/reject/", actions.reject_line, name="reject_line"),
    path("<int:pk>/reopen/", actions.reopen, name="reopen"),
    path("<int:pk>/withdraw/", actions.withdraw, name="withdraw"),
    path("<int:pk>/close/", actions.close, name="close"),
    path("<int:pk>/visit/", actions.record_visit, name="record_visit"),
    path("studies/<int:pk>/document/", documents.study_document, name="study_document"),
]
