from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        # Plug the app's reviewed models into review (the registry review reads).
        from customers import review  # noqa: F401
