"""The employee pages (/employees/): they show schedules and hours, so they live in the
scheduler app, above employees; the employees API is in core/api_urls.py."""

from django.urls import path

from scheduler.views import employees as views

urlpatterns = [
    path("", views.employee_list_view, name="employee-list"),
    path("<int:pk>/", views.employee_detail_view, name="employee-detail"),
    path("<int:pk>/time-off/", views.employee_timeoff_add, name="employee-timeoff-add"),
    path(
        "<int:pk>/time-off/<int:timeoff_pk>/remove/",
        views.employee_timeoff_remove,
        name="employee-timeoff-remove",
    ),
]
