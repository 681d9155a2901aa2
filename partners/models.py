"""Who funds, studies and runs the projects, and the conventions that bind them to an envelope."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partners.figures import committed_by
from reintegration.lib.documents import validate_document
from reintegration.lib.money import format_mad
from reintegration.lib.text import validate_line, validate_multiline
from territory.models import Province, Region
from territory.scoping import visible_provinces

ZERO = Decimal("0")


class Partner(models.Model):
    class Kind(models.TextChoices):
        FUNDER = "funder", _("Funder")
        TECHNICAL = "technical", _("Technical partner")
        IMPLEMENTING = "implementing", _("Implementing partner")
        ADMINISTRATION = "administration", _("Public administration")

    acronym = models.CharField(_("acronym"), max_length=20, unique=True, validators=[validate_line])
    name_fr = models.CharField(_("name (French)"), max_length=200, validators=[validate_line])
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, validators=[validate_line])
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["acronym"]

    def __str__(self):
        return self.acronym

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "").startswith("ar") else self.name_fr

    @property
    def is_technical(self) -> bool:
        return self.kind == self.Kind.TECHNICAL


class ConventionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Conventions that cover at least one province of the user's scope (fail closed: none
        without a scope). They hold no personal data, so every role sees them."""
        provinces = visible_provinces(user)
        if not provinces.exists():
            return self.none()
        if getattr(user, "is_national", False):
            return self.all()
        return self.filter(
            Q(scope=Convention.Scope.NATIONAL) | Q(province__in=provinces) | Q(region__in=provinces.values("region"))
        )

    def covering(self, province):
        """The conventions under which a project of `province` may be funded."""
        return self.filter(Q(scope=Convention.Scope.NATIONAL) | Q(province=province) | Q(region_id=province.region_id))

    def with_places(self):
        return self.select_related("province", "region")


class Convention(models.Model):
    """A partnership convention: an envelope, a target, and what each party puts in."""

    class Scope(models.TextChoices):
        PROVINCE = "province", _("A province")
        REGION = "region", _("A region")
        NATIONAL = "national", _("National")

    class IndhPhase(models.TextChoices):
        PHASE_I = "I", _("INDH phase I (2005–2010)")
        PHASE_II = "II", _("INDH phase II (2011–2015)")
        PHASE_III = "III", _("INDH phase III (2019–2023)")
        NONE = "none", _("Outside INDH phases")

    reference = models.CharField(_("reference"), max_length=50, unique=True, validators=[validate_line])
    title = models.CharField(_("title"), max_length=250, validators=[validate_line])
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    province = models.ForeignKey(
        Province, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("province")
    )
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2005)])
    indh_phase = models.CharField(_("INDH phase"), max_length=4, choices=IndhPhase.choices, default=IndhPhase.NONE)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    envelope = models.DecimalField(
        _("envelope (MAD)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    target_beneficiaries = models.PositiveIntegerField(_("target number of beneficiaries"), default=0)
    notes = models.TextField(_("notes"), blank=True, validators=[validate_multiline])
    document = models.FileField(
        _("signed convention"),
        upload_to="documents/conventions/%Y/",
        blank=True,
        validators=[validate_document],
        help_text=_("PDF, JPEG or PNG."),
    )

    history = HistoricalRecords()
    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["-year", "reference"]
        constraints = [
            models.CheckConstraint(
                name="partners_convention_scope_matches_place",
                condition=Q(scope="province", province__isnull=False, region__isnull=True)
                | Q(scope="region", region__isnull=False, province__isnull=True)
                | Q(scope="national", region__isnull=True, province__isnull=True),
                violation_error_message=_(
                    "Choose the province for a provincial convention, the region for a regional one, "
                    "and neither for a national one."
                ),
            ),
            models.CheckConstraint(name="partners_convention_envelope_not_negative", condition=Q(envelope__gte=0)),
            models.CheckConstraint(
                name="partners_convention_ends_after_start",
                condition=Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("The convention cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    def get_absolute_url(self):
        return reverse("partners:convention_detail", args=[self.pk])

    @property
    def place(self):
        """The province or region covered, or None for a national convention."""
        return self.province or self.region

    def covers(self, province) -> bool:
        if self.scope == self.Scope.NATIONAL:
            return True
        if self.scope == self.Scope.REGION:
            return self.region_id == province.region_id
        return self.province_id == province.pk

    def contributed(self) -> Decimal:
        return self.contributions.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]

    def set_envelope(self, envelope: Decimal, *, by) -> None:
        """Change the envelope; never below what the parties already contribute."""
        with transaction.atomic():
            # Lock first: an envelope cut and a contribution raised at once could pass each other's check.
            current = Convention.objects.select_for_update().get(pk=self.pk)
            contributed = current.contributed()
            if envelope < contributed:
                raise ValidationError(
                    _("The parties already contribute %(amount)s: the envelope cannot be smaller."),
                    code="envelope_below_contributions",
                    params={"amount": format_mad(contributed)},
                )
            current.envelope = envelope
            current._history_user = by
            current.save(update_fields=["envelope"])
        self.envelope = envelope

    def set_contribution(self, partner, amount: Decimal, in_kind: str = "", *, by):
        """Add or change `partner`'s contribution. The contributions never exceed the envelope, and a
        contribution never falls below what its partner has already committed (its approved lines)."""
        if amount < 0:
            raise ValidationError(_("A contribution cannot be negative."), code="negative")
        with transaction.atomic():
            # Lock the convention: two administrators raising two contributions at once would each
            # see room for their own under the envelope.
            current = Convention.objects.select_for_update().get(pk=self.pk)
            others = current.contributions.exclude(partner=partner).aggregate(total=Coalesce(Sum("amount"), ZERO))
            room = current.envelope - others["total"]
            if amount > room:
                raise ValidationError(
                    _("Only %(room)s of the envelope is left for %(partner)s."),
                    code="over_envelope",
                    params={"room": format_mad(room), "partner": partner.acronym},
                )
            # Lock the contribution too, as an approval does: an approval committing from it now
            # would otherwise slip under a cut computed before it.
            contribution = current.contributions.select_for_update().filter(partner=partner).first() or Contribution(
                convention=current, partner=partner
            )
            committed = committed_by(current, partner)
            if amount < committed:
                raise ValidationError(
                    _(
                        "%(partner)s has already committed %(committed)s from this convention: "
                        "its contribution cannot be smaller."
                    ),
                    code="below_committed",
                    params={"partner": partner.acronym, "committed": format_mad(committed)},
                )
            contribution.amount, contribution.in_kind = amount, in_kind
            contribution._history_user = by
            contribution.full_clean(exclude=["convention"])
            contribution.save()
        return contribution

    set_contribution.alters_data = True


class Contribution(models.Model):
    """What one party puts into a convention: an amount (0 for an in-kind party) and what it does."""

    convention = models.ForeignKey(
        Convention, models.PROTECT, related_name="contributions", verbose_name=_("convention")
    )
    partner = models.ForeignKey(Partner, models.PROTECT, related_name="contributions", verbose_name=_("partner"))
    amount = models.DecimalField(
        _("amount (MAD)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    in_kind = models.CharField(
        _("in-kind contribution"),
        max_length=300,
        blank=True,
        validators=[validate_line],
        help_text=_("For example: technical and financial study, coaching and follow-up."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["convention", "-amount", "partner__acronym"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "partner"], name="partners_contribution_one_per_party"),
            models.CheckConstraint(name="partners_contribution_amount_not_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self):
        return f"{self.partner} · {self.convention.reference}"
