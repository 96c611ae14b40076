from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer
from rest_framework.viewsets import ReadOnlyModelViewSet

from core.page_cache import CachedListMixin
from core.roles import is_manager
from employees.filters import EmployeeFilter
from employees.models import Employee
from employees.selectors import employee_list
from employees.serializers import EmployeeContactSerializer, employee_serializer_class


@extend_schema_view(
    list=extend_schema(
        summary="List employees",
        description="Email and phone appear for staff and managers only.",
        responses=EmployeeContactSerializer(many=True),
    ),
    retrieve=extend_schema(summary="One employee", responses=EmployeeContactSerializer),
)
class EmployeeViewSet(CachedListMixin, ReadOnlyModelViewSet[Employee]):
    filterset_class = EmployeeFilter

    def get_queryset(self) -> QuerySet[Employee]:
        return employee_list()

    def get_serializer_class(self) -> type[BaseSerializer[Employee]]:
        return employee_serializer_class(with_contact=is_manager(self.request.user))

    def page_cache_variant(self, request: Request) -> str:
        """Managers see contact details; everyone else shares the other page."""
        return "contact" if is_manager(request.user) else "public"
