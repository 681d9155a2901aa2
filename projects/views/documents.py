"""Placeholder until this module is written: every view answers 404."""

from django.http import Http404


def study_document(request, *args, **kwargs):
    raise Http404
