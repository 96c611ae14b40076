from django.apps import AppConfig


class SelfServiceConfig(AppConfig):
    name = "selfservice"
    verbose_name = "Employees' self-service"

    def ready(self) -> None:
        from selfservice.wiring import register

        register()
