"""The day itself over the API: call-out (preview and apply), attendance."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from attendance.filters import AttendanceFilter
from attendance.models import AttendanceRecord
from attendance.selectors import CallOutPlan, attendance_list, callout_plan
from attendance.serializers import (
    AttendanceSerializer,
    AttendanceWriteSerializer,
    CallOutPlanSerializer,
    CallOutRequestSerializer,
    CallOutResultSerializer,
)
from attendance.services import (
    RotationChoice,
    RowChoice,
    attendance_set,
    callout_apply,
    choices_from_plan,
)
from core.exceptions import NotFoundError
from employees.models import Employee
from scheduler.models import Schedule


def _person(employee: Employee | None) -> dict[str, Any] | None:
    if employee is None:
        return None
    return {"id": employee.pk, "name": employee.name, "job_title": employee.job_title}


def plan_data(plan: CallOutPlan) -> dict[str, Any]:
    return {
        "employee": plan.employee.pk,
        "reason": plan.reason,
        "first_day": plan.first_day,
        "last_day": plan.last_day,
        "rows": [
            {
                "schedule": r.schedule.pk,
                "event": r.schedule.event_id,
                "event_name": r.schedule.event.project_name,
                "event_type": r.schedule.event.event_type,
                "start": r.schedule.start,
                "end": r.schedule.end,
                "started": r.started,
                "pick": _person(r.pick),
                "supervisor": r.supervisor.pk if r.supervisor is not None else None,
                "candidates": [
                    {
                        "employee": _person(c.employee),
                        "ok": c.ok,
                        "hours_this_week": c.hours_this_week,
                        "violations": [v.as_dict() for v in c.violations],
                    }
                    for c in r.candidates
                ],
            }
            for r in plan.rows
        ],
        "rotation_exceptions": [
            {
                "date": p.day,
                "kind": p.kind,
                "replacement": _person(p.replacement),
                "choices": [_person(e) for e in p.choices],
            }
            for p in plan.rotations
        ],
    }


class CallOutView(APIView):
    """POST /api/v1/employees/<id>/call-out/: preview or apply a call-out."""

    @extend_schema(
        summary="Mark an employee out and cover their schedules",
        description=(
            "With `preview: true`: every live schedule of the employee in the range, the "
            "ranked replacements (eligible first, with the reasons for the others) and a "
            "preselected plan in which no two replacements clash; nothing changes. "
            "Without: records the absence (time off; for a termination, the termination "
            "date; attendance for a schedule whose day has come) and applies each "
            "replacement (`replacements`, else the plan's pick; `employee: null` leaves it "
            "unscheduled) through the scheduling services, each refused alone when the "
            "data no longer allows it (`outcome: refused`, with `errors`). A schedule "
            "already started is left as it is (`outcome: left`)."
        ),
        request=CallOutRequestSerializer,
        responses={
            200: CallOutPlanSerializer,
            201: CallOutResultSerializer,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        employee = Employee.objects.filter(pk=pk).first()
        if employee is None:
            raise NotFoundError("No such employee.")
        data = CallOutRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        plan = callout_plan(
            employee=employee,
            reason=args["reason"],
            first_day=args["first_day"],
            last_day=args["last_day"],
        )
        if args["preview"]:
            return Response(plan_data(plan))
        picks = {r["schedule"]: r["employee"] for r in args.get("replacements", [])}
        choices = choices_from_plan(plan.rows, picks)
        listed = {c.schedule_id for c in choices}
        # A schedule named that is not in the plan (not theirs, not in range) is refused
        # in its own row by the service.
        choices += [
            RowChoice(schedule_id=sid, employee_id=e)
            for sid, e in picks.items()
            if sid not in listed
        ]
        if "rotation_exceptions" in args:
            rotations = [
                RotationChoice(day=r["date"], kind=r["kind"], employee_id=r["employee"])
                for r in args["rotation_exceptions"]
            ]
        else:
            rotations = [
                RotationChoice(day=p.day, kind=p.kind, employee_id=p.replacement.pk)
                for p in plan.rotations
                if p.replacement is not None
            ]
        result = callout_apply(
            employee=employee,
            reason=args["reason"],
            first_day=args["first_day"],
            last_day=args["last_day"],
            choices=choices,
            rotations=rotations,
            acknowledge=args["acknowledge"],
            note=args["note"],
            by=request.user,
        )
        call_out = result.call_out
        return Response(
            {
                "id": call_out.pk,
                "employee": employee.pk,
                "reason": call_out.reason,
                "first_day": call_out.first_day,
                "last_day": call_out.last_day,
                "time_off": call_out.time_off_id,
                "outcomes": result.outcomes,
            },
            status=status.HTTP_201_CREATED,
        )


class ScheduleAttendanceView(APIView):
    """PUT /api/v1/schedules/<id>/attendance/: record or correct attendance."""

    @extend_schema(
        summary="Record how the employee showed up for a schedule",
        description="Allowed from the schedule's store-local day on (400 `too_early` before).",
        request=AttendanceWriteSerializer,
        responses={200: AttendanceSerializer},
    )
    def put(self, request: Request, pk: int) -> Response:
        schedule = Schedule.objects.filter(pk=pk).first()
        if schedule is None:
            raise NotFoundError("No such schedule.")
        data = AttendanceWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = attendance_set(schedule=schedule, **data.validated_data, by=request.user)
        record = attendance_list().get(pk=record.pk)
        return Response(AttendanceSerializer(record).data)


class AttendanceListView(generics.ListAPIView[AttendanceRecord]):
    """GET /api/v1/attendance/?date_from=&date_to=&employee="""

    serializer_class = AttendanceSerializer
    filterset_class = AttendanceFilter

    def get_queryset(self) -> QuerySet[AttendanceRecord]:
        return attendance_list()

    @extend_schema(summary="Attendance records")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
