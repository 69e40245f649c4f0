from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dit_portal.audit"
    label = "audit"
    verbose_name = "Audit"
