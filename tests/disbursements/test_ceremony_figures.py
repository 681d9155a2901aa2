"""A ceremony's summary and press summary, exact on a ceremony built by hand: two sexes, a
co-beneficiary, equipment and cash, two partners, a handover still planned, one cancelled."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from disbursements.figures import ceremony_summary
from disbursements.models import Handover, HandoverItem
from disbursements.models.workflow import deliver_together
from disbursements.press import long_date, press_text
from tests.disbursements.ceremony_scenes import approved_project, ceremony, in_english  # noqa: F401 (fixture)
from tests.disbursements.stages import plan_cash
from tests.factories import BeneficiaryFactory
from tests.projects.workflow_stages import khemisset_convention, line_of


def item(designation, category, quantity, unit_price):
    return HandoverItem(designation=designation, category=category, quantity=quantity, unit_price=Decimal(unit_price))


@pytest.fixture
def scene(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    people = (khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd)
    convention = khemisset_convention()
    partner = BeneficiaryFactory(sex="F", first_name="Zineb", last_name="Coopératrice", cin="ZT900001")
    tailors = approved_project(convention, *people, lead_sex="M", co_beneficiaries=[partner])
    shepherd = approved_project(convention, *people, lead_sex="F", fm6rd=None, indh="15000")
    cancelled = approved_project(convention, *people, fm6rd=None, indh="12000")
    still_planned = approved_project(convention, *people, fm6rd=None, indh="10000")
    waiting = approved_project(convention, *people, fm6rd=None, indh="9000")
    held = ceremony(khemisset_staff)
    today = held.held_on

    def plan(project, items):
        return Handover.plan(line_of(project, "INDH"), by=khemisset_staff, planned_on=today, items=items, ceremony=held)

    machines = plan(tailors, [item("Machine à coudre", "machinery", 2, "6000"), item("Ciseaux", "tools", 1, "8000")])
    cash = plan_cash(tailors, khemisset_staff, planned_on=today, ceremony=held)
    sheep = plan(shepherd, [item("Brebis", "livestock", 3, "5000")])
    plan(cancelled, [item("Four", "machinery", 1, "12000")]).cancel(
        by=khemisset_staff, reason="Le bénéficiaire a déménagé."
    )
    plan(still_planned, [item("Perceuse", "tools", 1, "10000")])
    deliver_together([machines, cash, sheep], by=khemisset_staff, on=today)
    everyone = [tailors.lead, partner, shepherd.lead, cancelled.lead, still_planned.lead, waiting.lead]
    return held, everyone


def test_the_summary_counts_what_was_delivered_and_the_planned_apart(scene):
    held, _ = scene
    summary = ceremony_summary(held, Handover.objects.all())
    assert (summary.delivered_count, summary.delivered_value) == (3, Decimal("43000.00"))
    # The tailors' lead and his co-beneficiary, the shepherd: the cancelled and the planned are not counted.
    assert (summary.beneficiaries, summary.men, summary.women) == (3, 1, 2)
    assert [(row["partner"].acronym, row["value"], row["percent"]) for row in summary.by_partner] == [
        ("INDH", Decimal("35000.00"), 81),
        ("FM6RD", Decimal("8000.00"), 19),
    ]
    assert (summary.equipment_count, summary.equipment_value) == (2, Decimal("35000.00"))
    assert (summary.cash_count, summary.cash_value) == (1, Decimal("8000.00"))
    assert [(row["category"], row["units"], row["value"]) for row in summary.by_category] == [
        ("livestock", 3, Decimal("15000.00")),
        ("machinery", 2, Decimal("12000.00")),
        ("tools", 1, Decimal("8000.00")),
    ]
    assert (summary.planned_count, summary.planned_value, summary.planned_beneficiaries) == (
        1,
        Decimal("10000.00"),
        1,
    )


def test_the_summary_is_computed_in_a_fixed_number_of_queries(scene, django_assert_max_num_queries):
    held, _ = scene
    with django_assert_max_num_queries(10):
        ceremony_summary(held, Handover.objects.all())


def test_the_ceremony_page_shows_the_summary(client_for, khemisset_staff, scene):
    held, _ = scene
    page = " ".join(client_for(khemisset_staff).get(held.get_absolute_url()).text.split())
    assert '<dd class="col-sm-6 text-nowrap" data-figure="delivered-value">43,000.00 MAD</dd>' in page
    assert 'data-figure="beneficiaries">3 <span class="text-body-secondary">(men: 1, women: 2)</span>' in page
    assert "1 handover, 10,000.00 MAD (beneficiaries: 1)" in page


def test_the_french_press_summary_says_the_ceremony_s_figures_and_names_no_one(scene):
    held, everyone = scene
    text = press_text(held, Handover.objects.all(), "fr")
    assert (
        f"présidée par le Gouverneur de la province de Khémisset, s'est tenue le {long_date(held.held_on, 'fr')}"
        in text
    )
    assert "au profit de 3 bénéficiaires" in text
    assert "(2 femmes et 1 homme)" in text
    assert "s'élève à 43\xa0000,00\xa0MAD" in text
    assert "Initiative nationale pour le développement humain" in text
    assert "35\xa0000,00\xa0MAD (81 %)" in text and "8\xa0000,00\xa0MAD (19 %)" in text
    assert "entre 35\xa0000,00\xa0MAD d'équipements et 8\xa0000,00\xa0MAD d'aides en numéraire" in text
    # The convention: 43,000 delivered of its 2.2 M envelope; 6 people with an approved project of 80.
    assert "KHE-2020-FM6RD-CPDH, dotée d'une enveloppe de 2\xa0200\xa0000,00\xa0MAD : 43\xa0000,00\xa0MAD" in text
    assert "6 bénéficiaires ont vu leur projet approuvé, sur les 80 visés" in text
    # The cancelled, the still planned and the waiting projects' people: still approved, nothing received.
    assert "3 autres bénéficiaires dont le projet est approuvé recevront leur équipement" in text
    assert_names_no_one(text, everyone)


def test_the_arabic_press_summary_says_the_same_figures_in_arabic(scene):
    held, everyone = scene
    text = press_text(held, Handover.objects.all(), "ar")
    assert "الخميسات" in text
    assert "وعددهم 3 (ذكور: 1، إناث: 2)" in text
    assert "43.000,00\xa0درهم" in text
    assert "المبادرة الوطنية للتنمية البشرية" in text and "مؤسسة محمد السادس لإعادة إدماج السجناء" in text
    assert "(أي 81%)" in text and "(أي 19%)" in text
    assert "معدات بقيمة 35.000,00\xa0درهم ومساعدات مالية نقدية بقيمة 8.000,00\xa0درهم" in text
    assert "المصادقة على مشاريعهم 6 من أصل 80" in text
    assert "وعددهم 3، معداتهم" in text
    assert long_date(held.held_on, "ar") in text
    assert_names_no_one(text, everyone)


def assert_names_no_one(text, people):
    for person in people:
        for value in (person.first_name, person.last_name, person.cin, person.cin[-4:]):
            assert value not in text, value


def test_the_press_page_shows_the_text_in_the_language_asked_whatever_the_interface(client_for, khemisset_staff, scene):
    held, _ = scene
    url = reverse("disbursements:ceremony_press", args=[held.pk])
    arabic = client_for(khemisset_staff).get(url, {"language": "ar"}).text
    assert '<html lang="en"' in arabic
    assert 'readonly dir="rtl" lang="ar"' in arabic
    assert "وعددهم 3" in arabic
    french = client_for(khemisset_staff).get(url, {"language": "fr"}).text
    assert 'readonly dir="ltr" lang="fr"' in french
    assert "au profit de 3 bénéficiaires" in french
    # An unknown language: the interface's own, if it has a text (English has none: Arabic).
    other = client_for(khemisset_staff).get(url, {"language": "<script>"}).text
    assert 'lang="ar"' in other and "<script>" not in other.split("<textarea")[1].split("</textarea>")[0]


def test_long_dates_read_as_official_texts_write_them():
    day = timezone.datetime(2020, 8, 1).date()
    assert long_date(day, "fr") == "1er août 2020"
    assert long_date(day, "ar") == "1 غشت 2020"
