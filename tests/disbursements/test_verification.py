"""Verifying a printed receipt: genuine with its figures, not genuine, no longer valid; and to anyone
outside the scope, the same 404 as for a number that does not exist."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import AccessLog
from tests.disbursements.stages import approved_project, plan_cash, plan_equipment
from tests.factories import BeneficiaryFactory, consent
from tests.test_html_validity import checker_missing, nu_errors


@pytest.fixture
def handover(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    lead = consent(BeneficiaryFactory(cin="XA200139", first_name="Driss", last_name="Tahiri"))
    project = approved_project(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd, lead=lead)
    handover = plan_equipment(project, khemisset_staff)
    handover.deliver(by=khemisset_staff, on=timezone.localdate())
    return handover


def verify(client, number, code):
    client.cookies["idmaj_language"] = "en"  # the page's words as written in the templates
    return verify_in(client, number, code)


def verify_in(client, number, code):
    """The verification asked in the client's language."""
    return client.get(reverse("disbursements:verify") + "?" + urlencode({"number": number, "code": code}))


def same_page(first: str, second: str) -> bool:
    def unmasked(html):
        return re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]+"', "", html)

    return unmasked(first) == unmasked(second)


def verdict(response) -> str:
    return response.text.split('data-verdict="')[1].split('"')[0]


def test_the_right_number_and_code_say_genuine_with_the_figures(client_for, khemisset_staff, handover):
    response = verify(client_for(khemisset_staff), handover.number, handover.display_code)
    assert response.status_code == 200
    assert verdict(response) == "genuine"
    assert "20,000.00\u00a0MAD" in response.text
    assert "Driss Tahiri" in response.text
    assert "XA****39" in response.text and "XA200139" not in response.text
    assert "KHE-2020-FM6RD-CPDH" in response.text


def test_the_code_is_read_as_typed_from_paper(client_for, khemisset_staff, handover):
    # Lower case, no dash, O for 0 and I or L for 1: the same code.
    typed = handover.verification_code.lower().replace("0", "o").replace("1", "l")
    assert verdict(verify(client_for(khemisset_staff), f" {handover.number.lower()} ", typed)) == "genuine"


def test_number_and_code_typed_on_an_arabic_keyboard_are_read_as_printed(client_for, khemisset_staff, handover):
    eastern = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    number, code = handover.number.translate(eastern), handover.display_code.translate(eastern)
    assert verdict(verify(client_for(khemisset_staff), number, code)) == "genuine"


def test_showing_the_figures_is_logged_as_a_view_of_the_lead(client_for, khemisset_staff, handover):
    verify(client_for(khemisset_staff), handover.number, handover.display_code)
    logged = AccessLog.objects.get(user=khemisset_staff, action=AccessLog.Action.VIEW)
    assert logged.beneficiary == handover.project.lead


def test_a_wrong_code_says_not_genuine_and_shows_nothing_of_the_handover(client_for, khemisset_staff, handover):
    response = verify(client_for(khemisset_staff), handover.number, "ABCDE-FGHJK")
    assert response.status_code == 200
    assert verdict(response) == "not-genuine"
    assert "Driss Tahiri" not in response.text
    assert "KHE-2020-FM6RD-CPDH" not in response.text
    assert not AccessLog.objects.filter(action=AccessLog.Action.VIEW).exists()


def test_a_number_out_of_scope_answers_exactly_as_an_unknown_one(client_for, rabat_staff, handover):
    client = client_for(rabat_staff)
    out_of_scope = verify(client, handover.number, handover.display_code)
    unknown = verify(client, "KHE-1999-0001", handover.display_code)
    assert out_of_scope.status_code == unknown.status_code == 404
    # The same page, byte for byte, but the number asked (in the language menu's "next"), the CSRF
    # token (masked afresh at each request) and the scripts' CSP nonce.
    assert same_page(out_of_scope.text, unknown.text.replace("KHE-1999-0001", handover.number))


def test_a_wrong_code_out_of_scope_is_the_same_404(client_for, rabat_staff, handover):
    assert verify(client_for(rabat_staff), handover.number, "ABCDE-FGHJK").status_code == 404


def test_a_coordinator_of_another_partner_gets_404(client_for, rsk_fm6rd, handover):
    assert verify(client_for(rsk_fm6rd), handover.number, handover.display_code).status_code == 404


def test_the_funding_partners_coordinator_may_verify(client_for, khemisset_indh, handover):
    assert verdict(verify(client_for(khemisset_indh), handover.number, handover.display_code)) == "genuine"


def test_officials_get_403(client_for, khemisset_official, handover):
    assert verify(client_for(khemisset_official), handover.number, handover.display_code).status_code == 403
    assert client_for(khemisset_official).get(reverse("disbursements:verify")).status_code == 403


def test_a_reversed_delivery_says_its_receipt_is_no_longer_valid(client_for, khemisset_staff, handover):
    handover.reverse(by=khemisset_staff, reason="Wrong serial numbers")
    response = verify(client_for(khemisset_staff), handover.number, handover.display_code)
    assert verdict(response) == "no-longer-valid"
    assert f"was reversed on {timezone.localdate():%d/%m/%Y}: it is no longer valid" in response.text


def test_a_cancelled_handover_says_its_receipt_is_no_longer_valid(client_for, khemisset_staff, handover):
    planned = plan_cash(handover.project, khemisset_staff)
    planned.cancel(by=khemisset_staff, reason="The person moved away")
    response = verify(client_for(khemisset_staff), planned.number, planned.display_code)
    assert verdict(response) == "no-longer-valid"
    assert f"was cancelled on {timezone.localdate():%d/%m/%Y}: it is no longer valid" in response.text


def test_a_planned_handover_is_genuine_and_says_when_it_is_planned(client_for, khemisset_staff, handover):
    planned = plan_cash(handover.project, khemisset_staff)
    response = verify(client_for(khemisset_staff), planned.number, planned.display_code)
    assert verdict(response) == "genuine"
    assert "Planned for" in response.text and "01/06/2026" in response.text


def test_the_empty_page_is_the_form_and_half_a_form_asks_for_the_rest(client_for, khemisset_staff, handover):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    empty = client.get(reverse("disbursements:verify"))
    assert empty.status_code == 200
    assert 'name="number"' in empty.text and "data-verdict" not in empty.text
    half = client.get(reverse("disbursements:verify") + "?" + urlencode({"number": handover.number}))
    assert half.status_code == 200
    assert "This field is required." in half.text and "data-verdict" not in half.text


def test_the_qr_codes_address_fills_the_form_in(client_for, khemisset_staff, handover):
    response = verify(client_for(khemisset_staff), handover.number, handover.display_code)
    assert f'value="{handover.number}"' in response.text
    assert f'value="{handover.display_code}"' in response.text


def test_anonymous_scanners_are_sent_to_log_in_and_back(client, handover):
    url = reverse("disbursements:verify") + "?" + urlencode({"number": handover.number, "code": handover.display_code})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert "code%3D" in response["Location"]  # the code survives the log-in


@pytest.mark.skipif(bool(checker_missing()), reason=checker_missing() or "checker found")
def test_the_verification_pages_are_valid_html_in_arabic_and_french(client_for, khemisset_staff, handover, tmp_path):
    client = client_for(khemisset_staff)
    planned = plan_cash(handover.project, khemisset_staff)
    planned.cancel(by=khemisset_staff, reason="The person moved away")
    pages = {}
    for language in ("ar", "fr"):
        client.cookies["idmaj_language"] = language
        pages |= {
            f"form-{language}": client.get(reverse("disbursements:verify")).text,
            f"half-{language}": client.get(reverse("disbursements:verify") + "?number=KHE").text,
            f"genuine-{language}": verify_in(client, handover.number, handover.display_code).text,
            f"not-genuine-{language}": verify_in(client, handover.number, "ABCDE-FGHJK").text,
            f"cancelled-{language}": verify_in(client, planned.number, planned.display_code).text,
            f"no-receipt-{language}": client.get(reverse("disbursements:receipt", args=[planned.pk])).text,
        }
    errors = nu_errors(pages, tmp_path)
    assert not errors, "\n".join(errors)
