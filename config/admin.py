from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SuperuserOnlyAdminSite(admin.AdminSite):
    """Guardian's GuardedModelAdmin checks nothing, so the admin is closed to all but superusers."""

    site_header = "Portal administration (superusers only)"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser


class PortalAdminConfig(AdminConfig):
    default_site = "config.admin.SuperuserOnlyAdminSite"
