from __future__ import annotations

import django_filters

from selfservice.models import RequestStatus, TimeOffRequest


class TimeOffRequestFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=RequestStatus.choices)

    class Meta:
        model = TimeOffRequest
        fields = ["status"]
