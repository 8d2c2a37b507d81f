"""Tags: managers classify their department's customers (SPEC §3 `tags`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.reasons import Reason
from audit.tracked import tracked_save
from customers import validators as v
from customers.models import Customer, Tag
from customers.rights import CustomerRights

TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length


def _may_tag(actor: User, customer: Customer) -> None:
    CustomerRights(actor).require_tag(customer)


@transaction.atomic
def customer_tag_add(*, actor: User, customer: Customer, name: str) -> Tag:
    """Tag a customer; a name not used before makes a new (custom) tag."""
    _may_tag(actor, customer)
    name = v.normalize_text(name or "")
    if not name:
        raise ValidationError({"tag": _("Type the tag's name.")})
    if len(name) > TAG_MAX_LENGTH:
        raise ValidationError({"tag": _("A tag has at most %(n)s characters.") % {"n": TAG_MAX_LENGTH}})
    tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
    if customer.tags.filter(pk=tag.pk).exists():
        raise ValidationError({"tag": _("The customer already has the tag %(tag)s.") % {"tag": tag.name}})
    customer.tags.add(tag)
    # The trail keeps the tag change as a version of its own (tags are not a column).
    tracked_save(customer, actor=actor, reason=Reason.TAG_ADDED, data={"tag": tag.name}, update_fields=["updated_at"])
    return tag


@transaction.atomic
def customer_tag_remove(*, actor: User, customer: Customer, name: str) -> None:
    _may_tag(actor, customer)
    tag = customer.tags.filter(name=name).first()
    if tag is None:
        raise ValidationError({"tag": _("The customer has no tag %(tag)s.") % {"tag": name}})
    customer.tags.remove(tag)
    tracked_save(customer, actor=actor, reason=Reason.TAG_REMOVED, data={"tag": tag.name}, update_fields=["updated_at"])
