"""The handover receipt as a PDF, and the page that tells whether a printed receipt is genuine.

Both look the handover up through `Handover.objects.visible_to` (404 outside the user's scope or a
coordinator's partner) after `role_required(can_read_handovers)` (403 for officials). The
verification answers an unknown number and a number out of scope with the same 404: someone outside
the scope learns nothing, not even that a receipt with that number exists. A wrong code, in scope,
says "not genuine"; a right one shows the figures, and that showing is logged like a record view.
"""

from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from beneficiaries.access import log_access
from beneficiaries.identity import EASTERN_DIGITS
from beneficiaries.models import AccessLog
from disbursements.models import Handover
from disbursements.permissions import can_read_handovers
from disbursements.receipts import ENDED, LANGUAGES, ended_on, receipt_handover, receipt_pdf
from reintegration.lib.personal_data import role_required


def _get_handover_for_receipt(request, pk):
    """The handover with what its receipt shows, when the user may see it (else 404)."""
    try:
        return receipt_handover(Handover.objects.visible_to(request.user), pk)
    except Handover.DoesNotExist:
        raise Http404("No handover in your scope has this number.") from None


def verification_url(request, handover) -> str:
    """The absolute address the receipt's QR code encodes: the verification page, filled in."""
    query = urlencode({"number": handover.number, "code": handover.display_code})
    return request.build_absolute_uri(f"{reverse('disbursements:verify')}?{query}")


def _receipt_language(request) -> str:
    """?language=ar|fr; without it the interface's language when it is one of them, else French."""
    asked = request.GET.get("language") or (translation.get_language() or "")[:2]
    if asked in LANGUAGES:
        return asked
    if "language" in request.GET:
        raise Http404("Receipts are written in Arabic or French.")
    return "fr"


@require_safe
@role_required(can_read_handovers)
def receipt(request, pk):
    """The procès-verbal of a planned handover (signed at the ceremony) or a delivered one, in the
    language asked. A cancelled or reversed handover gets no receipt: a page says so (409), so that
    a document that no longer counts is never printed again."""
    handover = _get_handover_for_receipt(request, pk)
    language = _receipt_language(request)
    if handover.status in ENDED:
        context = {"handover": handover, "ended_on": ended_on(handover)}
        return render(request, "disbursements/receipt/unavailable.html", context, status=409)
    pdf = receipt_pdf(handover, language=language, verify_url=verification_url(request, handover))
    # Logged once the PDF exists: Law 09-08 asks who produced a document naming whom.
    for person in handover.project.beneficiaries():
        log_access(request.user, AccessLog.Action.RECEIPT, beneficiary=person, query=f"handover={handover.pk}")
    response = HttpResponse(pdf, content_type="application/pdf")
    # Inline: the site built this file itself, it carries no script; nosniff keeps it a PDF.
    response["Content-Disposition"] = f'inline; filename="{handover.number}-{language}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class VerificationForm(forms.Form):
    number = forms.CharField(
        label=_("Receipt number"),
        max_length=16,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "placeholder": "KHE-2020-0007"}),
    )
    code = forms.CharField(
        label=_("Verification code"),
        max_length=30,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "placeholder": "XXXXX-XXXXX"}),
    )

    def clean_number(self):
        """As printed whatever the keyboard: " khe-٢٠٢٠-٠٠٠٧ " is KHE-2020-0007."""
        return "".join(self.cleaned_data["number"].split()).upper().translate(EASTERN_DIGITS)


@require_safe
@role_required(can_read_handovers)
def verify(request):
    """The number and the code printed on a receipt (the QR code's address fills both in): genuine,
    with its figures; not genuine; or no longer valid (cancelled, reversed). A number unknown or out
    of the user's scope: 404, the same one."""
    form = VerificationForm(request.GET if request.GET else None)
    if not form.is_valid():
        return render(request, "disbursements/verify.html", {"form": form})
    handover = get_object_or_404(
        Handover.objects.visible_to(request.user).select_related(
            "project__lead", "line__partner", "line__convention", "province"
        ),
        number=form.cleaned_data["number"],
    )
    if not handover.code_matches(form.cleaned_data["code"]):
        # Nothing about the handover but that the code is wrong: the number is the one typed.
        return render(request, "disbursements/verify_result.html", {"form": form, "genuine": False})
    log_access(request.user, AccessLog.Action.VIEW, beneficiary=handover.project.lead, query=f"verify={handover.pk}")
    context = {
        "form": form,
        "handover": handover,
        "genuine": True,
        "ended": handover.status in ENDED,
        "ended_on": ended_on(handover),
        "lead": handover.project.lead,
    }
    return render(request, "disbursements/verify_result.html", context)
