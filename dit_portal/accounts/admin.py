from allauth.mfa.models import Authenticator
from django.contrib import admin

from dit_portal.audit import services as audit

from .models import Invitation, User


class AuditedAdmin(admin.ModelAdmin):
    """Reads and changes of people's records in the Django admin are audited like the
    portal's own pages: a VIEW for the list and each record opened, a CHANGE for
    each save."""

    def changelist_view(self, request, extra_context=None):
        audit.record(
            request, audit.Action.VIEW, object_type=f"admin.{self.model._meta.label}"
        )
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET":
            audit.record(request, audit.Action.VIEW, obj, patient=self.patient_of(obj))
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record_change(
            request.user,
            audit.Action.CHANGE if change else audit.Action.CREATE,
            obj,
            patient=self.patient_of(obj),
            ip=audit.client_ip(request),
        )

    def patient_of(self, obj):
        return None


@admin.register(User)
class UserAdmin(AuditedAdmin):
    list_display = ["email", "full_name", "role", "clinical_lead", "is_active"]
    list_filter = ["role", "clinical_lead", "is_active"]
    search_fields = ["email", "full_name"]
    exclude = ["password", "user_permissions", "groups"]
    readonly_fields = ["last_login", "date_joined"]

    def patient_of(self, obj):
        return getattr(obj, "patient", None)


@admin.register(Invitation)
class InvitationAdmin(AuditedAdmin):
    list_display = ["user", "created_at", "expires_at", "used_at"]
    readonly_fields = ["token_hash", "created_at"]


# allauth's own admin shows and edits an authenticator's data: the TOTP secret and
# the recovery-code seed. Ours shows who has which kind, never the secrets.
if admin.site.is_registered(Authenticator):
    admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
