from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        # Plug the app's reviewed models into review (the registries review reads).
        from accounts.services import rights_ender_register
        from audit.subjects import Subject, subject_register
        from customers import merge_pages, review, review_pages  # noqa: F401
        from customers.models import Customer
        from customers.presentation import masked_value
        from customers.services.access import grants_end_for_user
        from customers.services.ownership import object_rights_end_for_user

        # What ends when a user's role, department or account changes (accounts knows no customers).
        rights_ender_register("grants", grants_end_for_user)
        rights_ender_register("object_rights", object_rights_end_for_user)
        # The security officer's pages show customers' trail, masked (audit knows no customers).
        subject_register("customer", Subject(model=Customer, show=masked_value))
