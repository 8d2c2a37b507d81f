from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Role, User


def group_label(group: Group) -> str:
    """A group's name in the reader's language: the business roles are groups
    named by their code (`clerk`), shown by their role's label; other groups as
    they are named."""
    return str(Role(group.name).label) if group.name in Role.values else group.name


class GroupFilter(admin.RelatedFieldListFilter):
    """The user list's "by group" filter, with the groups' labels."""

    def field_choices(self, field, request, model_admin):
        return [(group.pk, group_label(group)) for group in Group.objects.order_by("name")]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent")
    list_select_related = ("parent",)
    search_fields = ("code", "name")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "last_name", "first_name", "department", "is_active", "is_staff")
    list_filter = ("department", ("groups", GroupFilter), "is_active", "is_staff")
    list_select_related = ("department",)
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Department"), {"fields": ("department",)}))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            field.label_from_instance = group_label
        return field


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """Groups, the business roles among them shown by their labels."""

    list_display = ("label",)

    @admin.display(description=_("name"), ordering="name")
    def label(self, group: Group) -> str:
        return group_label(group)
