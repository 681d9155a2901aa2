"""Placeholder until this module is written: every view answers 404."""

from django.http import Http404


def submit(request, *args, **kwargs):
    raise Http404


def record_study(request, *args, **kwargs):
    raise Http404


def approve_line(request, *args, **kwargs):
    raise Http404


def reject_line(request, *args, **kwargs):
    raise Http404


def reopen(request, *args, **kwargs):
    raise Http404


def withdraw(request, *args, **kwargs):
    raise Http404


def close(request, *args, **kwargs):
    raise Http404


def record_visit(request, *args, **kwargs):
    raise Http404
