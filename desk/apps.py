from django.apps import AppConfig


class DeskConfig(AppConfig):
    """Pages that compose several domain apps (my work, the one-screen customer page, help).

    The desk sits above customers, transactions and interactions and imports from them;
    they never import the desk.
    """

    name = "desk"
    verbose_name = "Desk"
