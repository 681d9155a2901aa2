"""A refused form shows its errors next to its fields, keeps what was typed, and says so at the top."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import AccessLog, Consent
from tests.beneficiaries.test_registry_views import valid_registration
from tests.factories import BeneficiaryFactory


def test_a_consent_in_the_future_rerenders_the_record_with_the_typed_date_and_the_error_by_it(staff_client):
    person = BeneficiaryFactory()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = staff_client.post(
        reverse("beneficiaries:record_consent", args=[person.pk]), {"purpose": "publicity", "given_on": tomorrow}
    )
    assert response.status_code == 400
    assert not Consent.objects.exists()
    html = response.text
    assert re.search(rf'<input type="date" name="given_on" value="{tomorrow}"[^>]*is-invalid', html)
    assert re.search(r'<option value="publicity" selected>', html)
    error = html.index("The consent date cannot be in the future.")
    assert html.index('name="given_on"') < error < html.index("Record a consent")  # under the field
    assert AccessLog.objects.filter(action="view", beneficiary=person).exists()  # the record was shown


def test_a_refused_status_change_keeps_the_choice_on_the_record_page(staff_client):
    person = BeneficiaryFactory()
    response = staff_client.post(reverse("beneficiaries:change_status", args=[person.pk]), {"status": "exited"})
    assert response.status_code == 400
    assert "Choose why the person leaves the programme." in response.text
    assert '<option value="exited" selected>' in response.text


def test_registration_errors_are_listed_at_the_top_each_linking_to_its_field(staff_client):
    data = valid_registration(cin="123", date_of_birth="2099-01-01", release_date="", phone="12345")
    response = staff_client.post(reverse("beneficiaries:create"), data)
    html = response.text
    summary = html[html.index('id="error-summary"') : html.index("</ul>", html.index('id="error-summary"'))]
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    links = re.findall(r'<a class="alert-link" href="#(id_\w+)">', summary)
    assert links == ["id_cin", "id_date_of_birth", "id_phone"]
    for field_id in links:
        assert f'id="{field_id}"' in html  # each link lands on its field
    assert "The date of birth cannot be in the future." in summary
    # ... and each error is also under its own field, with what was typed kept.
    assert html.count("The date of birth cannot be in the future.") == 2
    assert 'value="2099-01-01"' in html
    assert "/static/js/form-errors.js" in html


def test_a_form_without_errors_has_no_summary(staff_client):
    assert 'id="error-summary"' not in staff_client.get(reverse("beneficiaries:create")).text
