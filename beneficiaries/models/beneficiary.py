"""A former inmate in the programme: identity, path, status; searched and matched across scripts."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from beneficiaries.identity import mask_cin, validate_person_name
from beneficiaries.models.consent import Consent
from reintegration.lib.contributions import need_to_know
from reintegration.lib.names import (
    fold,
    person_key,
    person_keys,
    search_outline,
    search_outlines,
    search_words,
    without_article,
)
from reintegration.lib.text import (
    clean_text,
    validate_arabic_name,
    validate_latin_name,
    validate_line,
    validate_multiline,
)
from territory.models import Province
from territory.scoping import province_q

MINIMUM_AGE_AT_RELEASE = 16
# Fields computed from the names (and the commune) by Beneficiary.refresh_name_keys().
NAME_KEYS = ("sort_name", "sort_name_ar", "search_text", "person_key", "person_key_ar", "commune_key")


class BeneficiaryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The people of the user's scope; for a coordinator, only those they need to know (Law
        09-08, purpose limitation): a project of the person submitted to their partner."""
        visible = self.filter(province_q(user))
        if getattr(user, "role", None) == "coordinator":
            return visible.filter(need_to_know(user))
        return visible

    def with_province(self):
        return self.select_related("province")

    def search(self, text: str):
        """Every word found in a name, in either script, spelling variants included.

        Never a CIN: a number in a search box ends up in URLs and server logs, and an exact match
        answered to anyone is an oracle (55 guesses recover a masked CIN). Finding someone by CIN is
        `find_by_cin`, logged, for the roles that may reveal one.
        """
        condition = Q()
        for word in search_words(text):
            matches = Q(search_text__contains=word)
            # The outlines stored in search_text, whole ("|sf|" is not "|sfr|"): see search_outline.
            for outline in {search_outline([word]), search_outline(without_article([word]))} - {""}:
                matches |= Q(search_text__contains=f"|{outline}|")
            if connection.vendor == "postgresql" and len(word) >= 4:
                # A typo (Mohamad), compared with whole words: word_similar compares with any part of
                # one, and "youssef" then finds "youssra" (5 trigrams of 8 in common, over its 0.6).
                matches |= Q(search_text__trigram_strict_word_similar=word)
            condition &= matches
        return self.filter(condition)

    def in_age_band(self, band: str, today: date | None = None):
        return self.filter(age_band_q(band, today or timezone.localdate()))

    def probable_duplicates(self, *, date_of_birth, names: list[tuple[str, str]], exclude_pk=None):
        """Same birth date and the same name outline, in either script and either order."""
        keys = set().union(*(person_keys(first, last) for first, last in names if first.strip() and last.strip()))
        keys.discard("")
        if not keys or not date_of_birth:
            return self.none()
        found = self.filter(Q(person_key__in=keys) | Q(person_key_ar__in=keys), date_of_birth=date_of_birth)
        return found.exclude(pk=exclude_pk) if exclude_pk else found


def age_band_q(band: str, today: date) -> Q:
    """The people of an AgeBand ("25-34", "45+") on `today`: the list's filter and the dashboards' counts."""
    low, _, high = band.partition("-")
    condition = Q(date_of_birth__lte=years_before(today, int(low.rstrip("+"))))
    if high:
        condition &= Q(date_of_birth__gt=years_before(today, int(high) + 1))
    return condition


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class Beneficiary(models.Model):
    """A former inmate registered in the programme.

    Deliberately absent: the offence, the sentence and the judicial file. Law 09-08 makes
    data minimisation a legal duty, and the programme needs none of them to help someone
    build a business; storing them would only add harm if the data leaked.
    """

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ACCOMPANIED = "accompanied", _("Accompanied")
        PROJECT_IN_PREPARATION = "project_in_preparation", _("Project in preparation")
        FUNDED = "funded", _("Funded")
        FOLLOWED_UP = "followed_up", _("Followed up")
        EXITED = "exited", _("Exited")

    # The moves made by hand: "registered" to "accompanied", and any status but "exited" may exit
    # (with a reason). The statuses after "accompanied" are written by the project transitions,
    # so no form moves anyone into them.
    NEXT_STATUS = {
        Status.REGISTERED: Status.ACCOMPANIED,
    }
    # One step back, to correct a mistake. Back from "exited" is the status held before exiting,
    # read from the history (see previous_status).
    PREVIOUS_STATUS = {
        Status.ACCOMPANIED: Status.REGISTERED,
        Status.PROJECT_IN_PREPARATION: Status.ACCOMPANIED,
        Status.FUNDED: Status.PROJECT_IN_PREPARATION,
        Status.FOLLOWED_UP: Status.FUNDED,
    }
    # Staff correct the moves they make; only an administrator steps back from a project status.
    STAFF_STEP_BACK_FROM = {Status.ACCOMPANIED, Status.EXITED}
    # The order in which the person's projects move them (advance_with_project).
    PROJECT_STAGES = [
        Status.REGISTERED,
        Status.ACCOMPANIED,
        Status.PROJECT_IN_PREPARATION,
        Status.FUNDED,
        Status.FOLLOWED_UP,
    ]

    class ExitReason(models.TextChoices):
        REINTEGRATED = "reintegrated", _("Reintegrated")
        MOVED_AWAY = "moved_away", _("Moved away")
        DROPPED_OUT = "dropped_out", _("Dropped out")
        DECEASED = "deceased", _("Deceased")
        OTHER = "other", _("Other")

    class Education(models.TextChoices):
        NONE = "none", _("No schooling")
        PRIMARY = "primary", _("Primary")
        LOWER_SECONDARY = "lower_secondary", _("Lower secondary (collège)")
        UPPER_SECONDARY = "upper_secondary", _("Upper secondary (lycée)")
        VOCATIONAL = "vocational", _("Vocational training")
        HIGHER = "higher", _("Higher education")

    class ReferralSource(models.TextChoices):
        FOUNDATION = "foundation", _("Mohammed VI Foundation centre")
        PRISON = "prison", _("Prison administration (DGAPR)")
        ASSOCIATION = "association", _("Association")
        SELF = "self", _("Came on their own")
        OTHER = "other", _("Other")

    class AgeBand(models.TextChoices):
        UNDER_25 = "16-24", _("16 to 24")
        FROM_25 = "25-34", _("25 to 34")
        FROM_35 = "35-44", _("35 to 44")
        FROM_45 = "45+", _("45 and over")

    cin = models.CharField(
        _("CIN"),
        max_length=9,
        null=True,
        blank=True,
        help_text=_("National identity card number: one or two letters then up to 7 digits."),
    )
    no_cin_reason = models.CharField(
        _("reason for having no CIN"),
        max_length=200,
        blank=True,
        validators=[validate_line],
        help_text=_("Required when the person has no CIN; they are then matched by name and date of birth."),
    )
    first_name = models.CharField(
        _("first name (Latin script)"),
        max_length=80,
        blank=True,
        validators=[validate_person_name, validate_latin_name],
    )
    last_name = models.CharField(
        _("last name (Latin script)"), max_length=80, blank=True, validators=[validate_person_name, validate_latin_name]
    )
    first_name_ar = models.CharField(
        _("first name (Arabic script)"),
        max_length=80,
        blank=True,
        validators=[validate_person_name, validate_arabic_name],
    )
    last_name_ar = models.CharField(
        _("last name (Arabic script)"),
        max_length=80,
        blank=True,
        validators=[validate_person_name, validate_arabic_name],
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    phone = models.CharField(_("phone"), max_length=13, blank=True)
    address = models.TextField(_("address"), blank=True, validators=[validate_multiline])
    province = models.ForeignKey(Province, models.PROTECT, related_name="+", verbose_name=_("province"))
    commune = models.CharField(_("commune"), max_length=100, blank=True, validators=[validate_line])
    education = models.CharField(_("education level"), max_length=20, choices=Education.choices, blank=True)
    skills = models.TextField(_("skills and trades"), blank=True, validators=[validate_multiline])
    detention_training = models.TextField(
        _("training received in detention"), blank=True, validators=[validate_multiline]
    )
    release_date = models.DateField(_("release date"), null=True, blank=True)
    prison = models.CharField(_("prison establishment"), max_length=120, blank=True, validators=[validate_line])
    support_centre = models.CharField(_("support centre"), max_length=120, blank=True, validators=[validate_line])
    referral_source = models.CharField(_("referral source"), max_length=20, choices=ReferralSource.choices, blank=True)
    dependants = models.PositiveSmallIntegerField(_("household dependants"), default=0)
    notes = models.TextField(_("notes"), blank=True, validators=[validate_multiline])
    status = models.CharField(_("status"), max_length=25, choices=Status.choices, default=Status.REGISTERED)
    exit_reason = models.CharField(_("exit reason"), max_length=20, choices=ExitReason.choices, blank=True)

    # Derived from the names on every save (NAME_KEYS), for sorting, search and duplicate detection.
    sort_name = models.CharField(max_length=170, editable=False, default="")
    sort_name_ar = models.CharField(max_length=170, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    person_key = models.CharField(max_length=100, editable=False, default="")
    person_key_ar = models.CharField(max_length=100, editable=False, default="")
    # The commune folded as names are (case, accents, dashes, Arabic letter variants), for the filter:
    # stored because SQLite has no unaccent and fold() is more than unaccent (أ/ا, ة/ه). PostgreSQL
    # serves `LIKE '%...%'` on it from a trigram index (migration 0017).
    commune_key = models.CharField(max_length=100, editable=False, default="")

    duplicate_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("probable duplicate dismissed by"),
    )
    duplicate_confirmed_at = models.DateTimeField(_("probable duplicate dismissed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The change reason holds why a status was corrected (step_back); the timeline shows it.
    history = HistoricalRecords(
        excluded_fields=[*NAME_KEYS, "updated_at"], history_change_reason_field=models.TextField(null=True)
    )
    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = ["sort_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cin"], condition=Q(cin__isnull=False), name="beneficiaries_beneficiary_cin_unique"
            ),
            models.CheckConstraint(
                name="beneficiaries_beneficiary_cin_or_reason",
                condition=Q(cin__isnull=False) | ~Q(no_cin_reason=""),
            ),
            models.CheckConstraint(
                name="beneficiaries_beneficiary_named_in_one_script",
                condition=(~Q(first_name="") & ~Q(last_name="")) | (~Q(first_name_ar="") & ~Q(last_name_ar="")),
            ),
            # Meta cannot see the nested choices: their values are written out.
            models.CheckConstraint(name="beneficiaries_beneficiary_sex_valid", condition=Q(sex__in=["M", "F"])),
            models.CheckConstraint(
                name="beneficiaries_beneficiary_exit_has_reason",
                condition=Q(status="exited", exit_reason__gt="") | (~Q(status="exited") & Q(exit_reason="")),
            ),
        ]
        indexes = [
            # The list's whole order, so a page of 25 is read from the index (measured by make bench).
            models.Index(fields=["sort_name", "id"], name="beneficiary_sort_idx"),
            models.Index(fields=["province", "sort_name", "id"], name="beneficiary_province_sort_idx"),
            models.Index(fields=["sort_name_ar", "id"], name="beneficiary_sort_ar_idx"),
            models.Index(fields=["province", "sort_name_ar", "id"], name="beneficiary_prov_sort_ar_idx"),
            models.Index(fields=["date_of_birth"], name="beneficiary_birth_idx"),
            models.Index(fields=["phone"], name="beneficiary_phone_idx"),  # the search box finds a phone
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.refresh_name_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *NAME_KEYS}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("beneficiaries:detail", args=[self.pk])

    def refresh_name_keys(self):
        """Recompute NAME_KEYS; bulk writes, which skip save(), must call it themselves."""
        names = [self.first_name, self.last_name, self.first_name_ar, self.last_name_ar]
        # Family name first, in the list's script when the person has a name in it, else in the other.
        latin = f"{self.last_name} {self.first_name}" if self.last_name else ""
        arabic = f"{self.last_name_ar} {self.first_name_ar}" if self.last_name_ar else ""
        self.sort_name = fold(latin or arabic)[:170]
        self.sort_name_ar = fold(arabic or latin)[:170]
        outlines = search_outlines(self.first_name, self.last_name) | search_outlines(
            self.first_name_ar, self.last_name_ar
        )
        self.search_text = " ".join(fold(name) for name in names if name) + " |" + "|".join(sorted(outlines)) + "|"
        self.person_key = person_key(self.first_name, self.last_name)
        self.person_key_ar = person_key(self.first_name_ar, self.last_name_ar)
        self.commune_key = fold(self.commune)[:100]

    refresh_name_keys.alters_data = True

    def display_name(self, language: str | None = None) -> str:
        """The name shown for the person by the list, the record's heading and the CIN lookup.

        In Arabic the Arabic name first, in French and English the Latin one; a name that lacks its
        first or family name in that script gives way to the complete one in the other (every person
        has one), so "زكرياء" alone, with the Latin "Zakaria Bennani", never hides the family name.
        Called without a language (as templates do), the page's language decides.
        """
        latin = (self.first_name, self.last_name)
        arabic = (self.first_name_ar, self.last_name_ar)
        scripts = [arabic, latin] if (language or get_language()) == "ar" else [latin, arabic]
        complete = [names for names in scripts if all(names)] or [names for names in scripts if any(names)]
        return " ".join(name for name in complete[0] if name) if complete else ""

    def other_script_name(self, language: str | None = None) -> str:
        """What the record holds of the name in the script display_name did not use, shown under it."""
        shown = self.display_name(language)
        for names in ((self.first_name, self.last_name), (self.first_name_ar, self.last_name_ar)):
            name = " ".join(part for part in names if part)
            if name and name != shown:
                return name
        return ""

    @property
    def full_name(self) -> str:
        latin = f"{self.first_name} {self.last_name}".strip()
        arabic = f"{self.first_name_ar} {self.last_name_ar}".strip()
        return " — ".join(name for name in (latin, arabic) if name)

    @property
    def masked_cin(self) -> str:
        return mask_cin(self.cin or "")

    @property
    def age(self) -> int:
        today = timezone.localdate()
        born = self.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    def has_consent(self) -> bool:
        """A project may be submitted only for someone who agreed to take part."""
        return self.consents.filter(purpose=Consent.Purpose.PROGRAMME, withdrawn_on__isnull=True).exists()

    def allowed_statuses(self) -> list[str]:
        if self.status == self.Status.EXITED:
            return []
        following = self.NEXT_STATUS.get(self.status)
        return [s for s in (following, self.Status.EXITED) if s]

    def move_to(self, status: str, *, by, exit_reason: str = "") -> None:
        """Change the status one step forward, or exit with a reason. History records who and when."""
        with transaction.atomic():
            # Lock first: two staff members could change the same person at once. The change is
            # made on the locked row, so a concurrent edit of other fields is not overwritten.
            current = Beneficiary.objects.select_for_update().get(pk=self.pk)
            if status not in current.allowed_statuses():
                raise ValidationError(_("This status change is not allowed."), code="bad_transition")
            if status == self.Status.EXITED and exit_reason not in self.ExitReason.values:
                raise ValidationError(_("Choose why the person leaves the programme."), code="exit_reason")
            current.status = status
            current.exit_reason = exit_reason if status == self.Status.EXITED else ""
            current._history_user = by
            current.save(update_fields=["status", "exit_reason", "updated_at"])
        self.status, self.exit_reason = current.status, current.exit_reason

    def previous_status(self) -> str | None:
        """The status one step back, or None from "registered"."""
        if self.status != self.Status.EXITED:
            return self.PREVIOUS_STATUS.get(self.status)
        before = self.history.exclude(status=self.Status.EXITED).order_by("-history_date", "-history_id")
        return before.values_list("status", flat=True).first() or self.Status.REGISTERED

    def step_back_target(self, user) -> str | None:
        """The status `user` may correct this one back to, or None."""
        if self.status not in self.STAFF_STEP_BACK_FROM and user.role != user.Role.ADMIN:
            return None
        return self.previous_status()

    def step_back(self, *, by, reason: str, from_status: str) -> None:
        """Correct a wrong status: one step back, with the reason, kept in the history and shown
        on the timeline. `from_status` is the status the user saw: if it changed meanwhile, the
        step back would land somewhere else than the page said, so nothing is done."""
        reason = clean_text(reason)
        if not reason:
            raise ValidationError(_("Say why the status is corrected."), code="reason_required")
        with transaction.atomic():
            # Lock first, as move_to: a status change and a correction could race.
            current = Beneficiary.objects.select_for_update().get(pk=self.pk)
            if current.status != from_status:
                raise ValidationError(
                    _("The status changed meanwhile (it is now: %(status)s): check it before correcting it."),
                    code="status_changed",
                    params={"status": current.get_status_display()},
                )
            target = current.step_back_target(by)
            if target is None:
                if current.previous_status() is None:
                    raise ValidationError(_("There is no earlier status to go back to."), code="bad_transition")
                raise ValidationError(_("Only an administrator may correct this status."), code="bad_transition")
            current.status = target
            current.exit_reason = ""
            current._history_user = by
            current._change_reason = reason
            current.save(update_fields=["status", "exit_reason", "updated_at"])
        self.status, self.exit_reason = current.status, current.exit_reason

    def advance_with_project(self, status: str, *, by) -> bool:
        """Move forward to `status` because a project of the person moved (submitted, first
        delivery, first visit). Never backwards, and never someone who left the programme.
        Only the project transitions call this, inside their own transaction."""
        current = Beneficiary.objects.select_for_update().get(pk=self.pk)
        if current.status not in self.PROJECT_STAGES:
            return False
        if self.PROJECT_STAGES.index(current.status) >= self.PROJECT_STAGES.index(status):
            return False
        current.status = status
        current._history_user = by
        current.save(update_fields=["status", "updated_at"])
        self.status = status
        return True

    def step_back_with_project(self, *, by, reason: str) -> bool:
        """Back to "accompanied" when the project being prepared was withdrawn (the project
        transition checks the person has no other one); the reason shows on the timeline."""
        current = Beneficiary.objects.select_for_update().get(pk=self.pk)
        if current.status != self.Status.PROJECT_IN_PREPARATION:
            return False
        current.status = self.Status.ACCOMPANIED
        current._history_user = by
        current._change_reason = reason
        current.save(update_fields=["status", "updated_at"])
        self.status = current.status
        return True

    def has_valid_consent(self, purpose: str, on: date | None = None) -> bool:
        """A consent for `purpose`, given by `on` (today) and not withdrawn."""
        on = on or timezone.localdate()
        return self.consents.filter(purpose=purpose, given_on__lte=on, withdrawn_on__isnull=True).exists()
