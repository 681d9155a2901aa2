"""What the convention tests share: a Khémisset convention with its three parties, English pages,
documents kept in a temporary folder, and the form data a browser would send from a page."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest

from tests.factories import ConventionFactory, ProjectFactory, contribute, fund


@pytest.fixture(autouse=True)
def documents_stay_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def convention(db):
    """The 2020 FM6RD–CPDH convention of Khémisset: 2,200,000 MAD, ANAPEC in kind."""
    convention = ConventionFactory(reference="KHE-2020-FM6RD-CPDH", title="Réinsertion des détenus libérés")
    contribute(convention, "INDH", "1200000")
    contribute(convention, "FM6RD", "1000000")
    contribute(convention, "ANAPEC", "0", in_kind="Technical and financial study, coaching and follow-up")
    return convention


@pytest.fixture
def decide(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    """decide(lines={"INDH": ("20000", "approve"), ...}, lead=..., co=[...]) → the project, submitted,
    studied and each line approved, rejected or left waiting ("wait") by its partner's coordinator."""
    deciders = {"INDH": khemisset_indh, "FM6RD": rsk_fm6rd}

    def run(convention, lines, *, lead=None, co=()):
        total = sum(Decimal(amount) for amount, _decision in lines.values())
        project = ProjectFactory(total_cost=total, created_by=khemisset_staff, **({"lead": lead} if lead else {}))
        project.co_beneficiaries.set(co)
        for acronym, (amount, _decision) in lines.items():
            fund(project, convention, acronym, amount)
        project.submit(by=khemisset_staff)
        project.record_study(by=rsk_coordinator, feasible=True, expected_monthly_revenue=1, recommended_amount=1)
        for acronym, (_amount, decision) in sorted(lines.items(), key=lambda item: item[1][1] == "reject"):
            line = project.lines.get(partner__acronym=acronym)
            if decision == "approve":
                project.approve_line(line, by=deciders[acronym])
            elif decision == "reject":
                project.reject_line(line, by=deciders[acronym], reason="Activité déjà financée")
        return project

    return run


@pytest.fixture
def in_english(client_for):
    """in_english(user) → a client logged in as that user, reading the pages in English."""

    def log_in(user):
        client = client_for(user)
        client.cookies["idmaj_language"] = "en"
        return client

    return log_in


class FormReader(HTMLParser):
    """The fields of the page's forms with their values, as a browser would send them (files
    aside); the disabled ones, shown but not sent, apart."""

    def __init__(self):
        super().__init__()
        self.data, self.disabled = {}, {}
        self.select = self.textarea = None
        self.target = self.data

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "option":
            if self.select and "selected" in attrs:
                self.target[self.select] = attrs.get("value", "")
            return
        if not name or tag not in ("input", "select", "textarea"):
            return
        self.target = self.disabled if "disabled" in attrs else self.data
        if tag == "select":
            self.select = name
            self.target.setdefault(name, "")
        elif tag == "textarea":
            self.textarea = name
            self.target[name] = ""
        elif attrs.get("type") == "checkbox":
            if "checked" in attrs:
                self.target[name] = attrs.get("value", "on")
        elif attrs.get("type") not in ("file", "submit"):
            self.target[name] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.target[self.textarea] += data.removeprefix("\n")


def read_form(page) -> FormReader:
    reader = FormReader()
    reader.feed(page.content.decode())
    for name in ("csrfmiddlewaretoken", "next"):  # the test client sends no token; "next" is the language form's
        reader.data.pop(name, None)
    return reader


def form_data(page) -> dict:
    """What submitting the page's form unchanged would send."""
    return read_form(page).data


def party_prefixes(page) -> dict:
    """{partner acronym: "parties-N"} for the parties already on the convention's edit page."""
    from partners.models import Partner

    acronyms = dict(Partner.objects.values_list("pk", "acronym"))
    reader = read_form(page)
    return {
        acronyms[int(reader.disabled[name])]: name.removesuffix("-partner")
        for name in reader.disabled
        if name.endswith("-partner")
    }
