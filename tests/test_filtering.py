"""A list's filter that the list does not know is ignored and named, never Django's "Select a valid choice"."""

from django import forms
from django.http import QueryDict

from core.filtering import FilterForm, choice_filter


class Filters(FilterForm):
    status = forms.ChoiceField(choices=[("", "All"), ("open", "Open"), ("closed", "Closed")], required=False)
    area = forms.ChoiceField(choices=[("", "All"), ("walsall", "Walsall")], required=False)
    kinds = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], required=False)


def test_an_unknown_value_is_left_out_and_named_and_the_known_ones_stay():
    form = Filters(QueryDict("status=more_information_requested&area=walsall&page=2"))
    assert form.is_valid() and not form.errors
    assert form.chosen() == {"area": "walsall"} and form.filtered
    assert form.ignored == (("Status", "more_information_requested"),)
    assert form.query() == "area=walsall"


def test_one_unknown_value_of_several_leaves_the_others_of_that_filter():
    form = Filters(QueryDict("kinds=a&kinds=zzz"))
    assert form.chosen() == {"kinds": ["a"]} and form.ignored == (("Kinds", "zzz"),)
    assert form.query() == "kinds=a"


def test_no_filters_is_not_filtered_and_ignores_nothing():
    for data in (None, QueryDict(""), QueryDict("status=")):
        form = Filters(data)
        assert form.chosen() == {} and not form.filtered and form.ignored == ()


def test_a_filter_by_links_reads_its_one_value_the_same_way():
    assert choice_filter(QueryDict("state=pending"), "state", [("pending", "Pending")], label="State")[0] == "pending"
    value, form = choice_filter(QueryDict("state=nonsense"), "state", [("pending", "Pending")], label="State")
    assert value == "" and form.ignored == (("State", "nonsense"),)
