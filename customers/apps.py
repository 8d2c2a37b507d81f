from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        # Plug the app's reviewed models into review (the registries review reads).
        from customers import review, review_pages  # noqa: F401
