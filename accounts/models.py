from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territory.models import Province, Region
from territory.scoping import visible_provinces


class IdmajUserManager(UserManager):
    # `is_staff` is derived from the role here (admin access for administrators only), so Django's
    # create_user, which passes is_staff=False, would fail on a property without a setter.
    def create_user(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(username, email, password, **extra_fields)

    create_user.alters_data = True

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", self.model.Role.ADMIN)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(username, email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a role, and a scope (one province, one region, or national).

    A coordinator acts for one partner (ANAPEC, INDH, the Foundation): without one they can do nothing.
    """

    class Role(models.TextChoices):
        STAFF = "staff", _("Provincial staff")
        COORDINATOR = "coordinator", _("Partner coordinator")
        OFFICIAL = "official", _("Official")
        ADMIN = "admin", _("Administrator")

    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @/./+/-/_ only, e.g. khemisset.staff."),
        error_messages={"unique": _("A user with that username already exists.")},
    )
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.STAFF)
    province = models.ForeignKey(
        Province, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("province")
    )
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    national = models.BooleanField(_("national scope"), default=False)
    partner = models.ForeignKey(
        "partners.Partner",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("partner"),
        help_text=_("The partner a coordinator acts for. A coordinator without one can do nothing."),
    )
    two_factor_required = models.BooleanField(
        _("two-factor authentication required"),
        default=False,
        help_text=_("Administrators always log in with a code from an authenticator app; tick to require it here too."),
    )

    objects = IdmajUserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="accounts_user_staff_has_province",
                condition=~Q(role="staff") | Q(province__isnull=False),  # Meta cannot see Role
                violation_error_message=_("Provincial staff need a province."),
            ),
            models.CheckConstraint(
                name="accounts_user_one_scope_at_most",
                condition=Q(province__isnull=True, region__isnull=True)
                | Q(province__isnull=True, national=False)
                | Q(region__isnull=True, national=False),
                violation_error_message=_("Choose one scope only: a province, a region, or national."),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_absolute_url(self):
        return reverse("admin:accounts_user_change", args=[self.pk])

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.username

    @property
    def is_staff(self) -> bool:
        """Django admin access: programme administrators only (not the `staff` role)."""
        return self.is_active and self.role == self.Role.ADMIN

    def has_perm(self, perm, obj=None):
        return self.is_staff or super().has_perm(perm, obj)

    def has_module_perms(self, app_label):
        return self.is_staff or super().has_module_perms(app_label)

    @property
    def must_use_two_factor(self) -> bool:
        """Administrators, and anyone an administrator flags, log in with a code (when the site requires it)."""
        return self.is_staff or self.two_factor_required

    @property
    def acting_partner_id(self) -> int | None:
        """The partner this user acts for: a coordinator's, else None (fail closed)."""
        return self.partner_id if self.is_active and self.role == self.Role.COORDINATOR else None

    @property
    def is_national(self) -> bool:
        return self.role == self.Role.ADMIN or self.national

    @property
    def scope_label(self) -> str:
        if self.is_national:
            return str(_("National"))
        if self.province_id:
            return self.province.name
        if self.region_id:
            return self.region.name
        return str(_("No scope assigned"))

    def provinces_in_scope(self) -> int:
        """How many provinces this user works on; 0 means no scope yet, so nothing is visible."""
        return visible_provinces(self).count()
