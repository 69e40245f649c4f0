from django.contrib import admin

from .models import Patient


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ["public_id", "status", "referral_date"]
    list_filter = ["status"]
    raw_id_fields = ["user", "therapist"]
