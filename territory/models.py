"""Morocco's 12 regions and 75 prefectures/provinces (2015 division, HCP codes)."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class NamedPlace(models.Model):
    code = models.CharField(_("HCP code"), max_length=7, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (French script for English too)."""
        return self.name_ar if (get_language() or "").startswith("ar") else self.name_fr


class Region(NamedPlace):
    class Meta(NamedPlace.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Province(NamedPlace):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("province")
        PREFECTURE = "prefecture", _("prefecture")

    region = models.ForeignKey(Region, models.PROTECT, related_name="provinces", verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Prefixes the province's document numbers (handovers: KHE-2020-0007).
    abbreviation = models.CharField(_("abbreviation"), max_length=3, unique=True, null=True)

    class Meta(NamedPlace.Meta):
        verbose_name = _("province or prefecture")
        verbose_name_plural = _("provinces and prefectures")
