"""Placeholder until this module is written: every view answers 404."""

from django.http import Http404


def convention_list(request, *args, **kwargs):
    raise Http404


def convention_create(request, *args, **kwargs):
    raise Http404


def convention_detail(request, *args, **kwargs):
    raise Http404


def convention_edit(request, *args, **kwargs):
    raise Http404


def convention_document(request, *args, **kwargs):
    raise Http404
