from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "last_name", "first_name", "department", "is_active", "is_staff")
    list_filter = ("department", "groups", "is_active", "is_staff")
    list_select_related = ("department",)
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Department"), {"fields": ("department",)}))
