from django.apps import AppConfig


class SelfServiceConfig(AppConfig):
    name = "selfservice"
    verbose_name = "Employees' self-service"

    def ready(self) -> None:
        from core.employee_access import set_employee_home

        set_employee_home("/me/")
