"""Placeholder until this module is written: every view answers 404."""

from django.http import Http404


def project_list(request, *args, **kwargs):
    raise Http404


def project_export(request, *args, **kwargs):
    raise Http404


def awaiting_study(request, *args, **kwargs):
    raise Http404


def awaiting_approval(request, *args, **kwargs):
    raise Http404


def visits_due(request, *args, **kwargs):
    raise Http404


def project_detail(request, *args, **kwargs):
    raise Http404
