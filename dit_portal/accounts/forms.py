"""The invited patient's password form."""

from django.contrib.auth.forms import SetPasswordForm


class InvitedPasswordForm(SetPasswordForm):
    """Django's set-password form, with a password that is too short or too common
    reported under the password box, where it was typed (Django reports it under the
    confirmation box). Two passwords that differ are still reported there."""

    def validate_password_for_user(self, user, *args, **kwargs):
        # Django's clean() names the confirmation box here; this names the first.
        super().validate_password_for_user(user, "new_password1")
