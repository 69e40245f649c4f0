from django.apps import AppConfig
from django.core import checks

from therapy.ending.letter_font import font_files


class TherapyConfig(AppConfig):
    name = "therapy"
    verbose_name = "Therapy"

    def ready(self):
        from django.db.models.signals import post_save

        from therapy.clinic.context_processors import forget_footer_clinic

        checks.register(letter_fonts)
        post_save.connect(
            forget_footer_clinic, sender="therapy.Clinic", dispatch_uid="footer"
        )


def letter_fonts(app_configs, **kwargs):
    """The goodbye letter's PDF cannot be made without its font: say so at start-up,
    not when a patient first downloads their letter."""
    missing = [str(path) for path in font_files().values() if not path.is_file()]
    if not missing:
        return []
    return [
        checks.Error(
            f"The goodbye letter's font is missing: {', '.join(missing)}.",
            hint="Install Debian's fonts-dejavu-core, or point LETTER_FONT_DIR at "
            "a folder with DejaVuSans.ttf and DejaVuSans-Bold.ttf.",
            id="therapy.E001",
        )
    ]
