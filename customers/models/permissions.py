"""Per-object rights on customers (django-guardian's direct foreign-key tables)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from customers.models.customer import Customer


class CustomerUserObjectPermission(UserObjectPermissionBase):
    """Per-object rights (django-guardian, direct foreign key: row filtering is a
    join). Only what is truly per object lives here — the maker's and the owner's
    rights — so the table grows with owners, never with department × customers."""

    content_object = models.ForeignKey(Customer, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("customer permission of a user")


class CustomerGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Customer, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("customer permission of a group")
