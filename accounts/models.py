from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The business roles of SPEC §1; each is a `Group` of the same name."""

    CLERK = "clerk", _("Clerk")
    REVIEWER = "reviewer", _("Reviewer")
    MANAGER = "manager", _("Department manager")
    SECURITY_OFFICER = "security_officer", _("Security officer")


class Department(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    # The department above this one (issue 20 item 4): its managers are of a
    # higher scope, and approve what this department's managers may not approve
    # for themselves (a survey round's analysis). Empty: a top-level department.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="department_not_its_own_parent",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # A department may not end up above itself (A above B above A): walk up
        # from the chosen parent; the check constraint covers only A above A.
        seen, current = set(), self.parent
        while current is not None and current.pk not in seen:
            if self.pk is not None and current.pk == self.pk:
                raise ValidationError({"parent": _("A department cannot be placed below itself.")})
            seen.add(current.pk)
            current = current.parent


class User(AbstractUser):
    """A member of staff. Belongs to one department (SPEC §1); technical
    superusers may have none."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    # Raised whenever the user's rights end (role, department or account changed,
    # accounts.services.user_rights_end): it is part of the session hash, so every
    # session of the user, in any session backend, stops being valid at once.
    rights_epoch = models.PositiveIntegerField(_("rights epoch"), default=0, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        permissions = [
            # SPEC §2: a security officer reads their department's log and trail;
            # the whole company's only through this explicit right.
            ("view_company_log", _("Read the access log and change trail of every department")),
        ]

    def _get_session_auth_hash(self, secret=None) -> str:
        # Django's own hash covers only the password; the epoch ends sessions too.
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}:{self.rights_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def display_name(self) -> str:
        # Chinese order: family name first, no space.
        return f"{self.last_name}{self.first_name}".strip() or self.username

    def __str__(self) -> str:
        return self.display_name

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The user's business roles, read once per request (one query)."""
        return frozenset(self.groups.filter(name__in=Role.values).values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        return role in self.role_names

    @cached_property
    def role_permissions(self) -> frozenset[str]:
        """Model-level rights that come from the user's roles (groups), as
        "app_label.codename". Unlike `has_perm` there is no superuser shortcut:
        business rules apply to superusers too (SPEC §1)."""
        from django.contrib.auth.models import Permission

        rows = Permission.objects.filter(group__user=self).values_list("content_type__app_label", "codename")
        return frozenset(f"{app_label}.{codename}" for app_label, codename in rows)

    def has_role_permission(self, perm: str) -> bool:
        return perm in self.role_permissions

    @property
    def role_labels(self) -> list[str]:
        return [str(label) for value, label in Role.choices if value in self.role_names]
