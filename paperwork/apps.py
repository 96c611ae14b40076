from django.apps import AppConfig


class PaperworkConfig(AppConfig):
    """The day's paperwork: the retailer portal's Event Detail Reports (EDR), per-user
    portal sessions, uploaded per-event forms and the printable packet."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "paperwork"
    verbose_name = "Paperwork and EDR reports"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from paperwork.receivers import end_portal_session_on_logout

        # Signing out of the app ends the user's portal session too (keyed: safe when
        # ready() runs twice).
        user_logged_out.connect(
            end_portal_session_on_logout, dispatch_uid="paperwork.end_portal_session"
        )
