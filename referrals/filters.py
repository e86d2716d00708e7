"""One FilterSet for referral lists, shared by the API and the pages (django-filter).

It filters a queryset that is already scoped by the access policy; it never widens it. There is
deliberately no filter on the risk rating: a referring organisation must not learn its referrals'
ratings by filtering on them.
"""

import django_filters

from partners.models import Area

from .models import Concern, Referral, Source, Status


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, help_text="One or more statuses.")
    area = django_filters.ChoiceFilter(choices=Area.choices)
    source = django_filters.ChoiceFilter(choices=Source.choices)
    urgent = django_filters.BooleanFilter()
    concern = django_filters.ChoiceFilter(
        field_name="concerns__concern", choices=Concern.choices, help_text="Referrals naming this concern."
    )
    # ?received_after=2026-11-01&received_before=2026-11-30 (dates in England, both ends included).
    received = django_filters.DateFromToRangeFilter(field_name="received_at", help_text="Received between two dates.")

    class Meta:
        model = Referral
        fields = ["status", "area", "source", "urgent", "concern", "received"]
