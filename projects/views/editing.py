"""Placeholder until this module is written: every view answers 404."""

from django.http import Http404


def project_create(request, *args, **kwargs):
    raise Http404


def project_edit(request, *args, **kwargs):
    raise Http404
