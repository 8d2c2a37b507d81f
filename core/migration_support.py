"""Shared by the data migrations that give roles (groups) their permissions.

Kept small and stable on purpose: migrations import it, so it must keep working
for every migration that ever used it."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions


def grant_role_permissions(apps, role_permissions: dict[str, list[str]]) -> None:
    """Give each role group the listed "app_label.codename" permissions, creating
    the groups, and the permissions themselves (normally made after migrate)."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=role)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
