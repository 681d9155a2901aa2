"""What each app adds to the shared pages, read from a module of its own.

An app's `contributions.py` may define any of:

    NAVIGATION = [NavEntry(_("Projects"), "projects:list", visible=can_read_projects, count=waiting_for)]
    HOME_CARDS = [HomeCard("projects/home_cards.html", context=home_card)]
    RECORD_PANELS = [RecordPanel(context=projects_of_person)]
    PROJECT_PANELS = [RecordPanel(context=handovers_of_project)]
    def timeline_events(beneficiary, user): -> iterable of (when, label, by), what `user` may see
    def beneficiaries_known_to(user): -> querysets of beneficiary ids a coordinator needs to know

A record panel is a card on a beneficiary's record page, for what an app above the registry holds
about the person. `context(beneficiary, user)` returns None (nothing to show this user) or what its
template draws; the default template, templates/includes/record_panel.html, takes

    {"heading": _("Projects"),
     "rows": [{"label": title, "url": page, "status": status label}, ...],   # links to the app's pages
     "empty": _("No project yet."),                                          # said when rows is empty
     "actions": [{"label": _("Draft a project"), "url": url}, ...]}          # buttons under the rows

so an app adds a panel without a template of its own (RecordPanel(context, template=...) for one).
A project panel is the same on a project's page, for an app above the projects (the handovers):
its `context(project, user)`.

The project package imports no app: it finds these modules the way `load_demo` finds `demo.py`,
by visiting the installed apps in INSTALLED_APPS order (lower floors first).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.core.signals import setting_changed
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    """A menu entry, shown to the users `visible(user)` accepts; `count(user)` fills its badge.

    Entries are shown by `order`, then in the apps' order: the daily work first (people, projects,
    worklists), reference data (conventions, from the lowest floor) after it."""

    label: str
    url_name: str
    visible: Callable
    count: Callable | None = None
    order: int = 50


@dataclass(frozen=True)
class HomeCard:
    """A template included in the home page's grid, given `context(user)` as `card` (None: not shown)."""

    template: str
    context: Callable


@dataclass(frozen=True)
class RecordPanel:
    """A card on a person's record page: `template` is given `context(beneficiary, user)` as
    `panel` (None: not shown). What the default template draws is in this module's docstring."""

    context: Callable
    template: str = "includes/record_panel.html"


def app_modules(name: str) -> list:
    """Each installed app's `<app>.<name>` module, for the apps that have one."""
    return list(_app_modules(name))


@cache
def _app_modules(name: str) -> tuple:
    return tuple(
        import_module(f"{config.name}.{name}")
        for config in apps.get_app_configs()
        if (Path(config.path) / f"{name}.py").exists()
    )


@receiver(setting_changed)
def _forget_modules(*, setting, **kwargs):
    if setting == "INSTALLED_APPS":  # tests add an app
        _app_modules.cache_clear()


def navigation(user) -> list[dict]:
    entries = [entry for module in app_modules("contributions") for entry in getattr(module, "NAVIGATION", [])]
    entries.sort(key=lambda entry: entry.order)  # stable: the apps' order within one order
    return [
        {"label": entry.label, "url": reverse(entry.url_name), "count": entry.count(user) if entry.count else None}
        for entry in entries
        if entry.visible(user)
    ]


def home_cards(user) -> list[dict]:
    cards = [card for module in app_modules("contributions") for card in getattr(module, "HOME_CARDS", [])]
    shown = [(card.template, card.context(user)) for card in cards]
    return [{"template": template, "card": context} for template, context in shown if context is not None]


def record_panels(beneficiary, user) -> list[dict]:
    return _panels("RECORD_PANELS", beneficiary, user)


def project_panels(project, user) -> list[dict]:
    return _panels("PROJECT_PANELS", project, user)


def _panels(name: str, about, user) -> list[dict]:
    panels = [panel for module in app_modules("contributions") for panel in getattr(module, name, [])]
    shown = [(panel.template, panel.context(about, user)) for panel in panels]
    return [{"template": template, "panel": context} for template, context in shown if context is not None]


def timeline(beneficiary, user) -> list[tuple]:
    """Every app's events about this person that `user` may see, newest first."""
    events = []
    for module in app_modules("contributions"):
        if hasattr(module, "timeline_events"):
            events.extend(module.timeline_events(beneficiary, user))
    return sorted(events, key=lambda event: event[0], reverse=True)


def need_to_know(user) -> Q:
    """The people a coordinator has a reason to see, as a filter on beneficiary ids: those the apps
    above the registry name (a project submitted to the coordinator's partner). No app: no one.

    One IN over the UNION of the apps' id lists: PostgreSQL answers it in about half the time of
    an OR of several INs (measured on the bench's 100,000 people and 80,000 projects)."""
    ids = [
        queryset.order_by()
        for module in app_modules("contributions")
        for queryset in getattr(module, "beneficiaries_known_to", lambda user: [])(user)
    ]
    if not ids:
        return Q(pk__in=[])
    return Q(pk__in=ids[0].union(*ids[1:]) if len(ids) > 1 else ids[0])
