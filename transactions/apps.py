from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransactionsConfig(AppConfig):
    """Transactions, orders, contracts and products (SPEC §3 Transactions)."""

    name = "transactions"
    verbose_name = _("Transactions")

    def ready(self) -> None:
        # Plug the app's reviewed models into review (the registry review reads).
        from transactions import review  # noqa: F401
