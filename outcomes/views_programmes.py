"""'Programmes': a partner's administrators and managers keep the list its interventions are chosen from."""

from crispy_forms_gds.layout import Field
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.web import apply_errors
from partners import access
from partners.forms_admin import AdminForm

from . import programmes as services


class ProgrammeForm(AdminForm):
    submit = "Add programme"
    idempotent = True

    name = forms.CharField(label="Name", max_length=services.NAME_LENGTH, error_messages={
        "required": "Enter the programme's name", "max_length": f"Enter {services.NAME_LENGTH} characters or fewer"})
    expected_sessions = forms.IntegerField(
        label="Usual number of sessions", help_text="Each young person's plan starts from this; it can differ per case",
        error_messages={"required": "Enter the usual number of sessions",
                        "invalid": "Enter the usual number of sessions as a number, like 6"})

    def layout(self):
        return [Field.text("name", field_width=20), Field.text("expected_sessions", field_width=2)]


@login_required
def programmes(request):
    items = services.programmes(request.acting)
    return render(request, "outcomes/programmes/list.html", {"programmes": items})


@login_required
@require_http_methods(["GET", "POST"])
def new_programme(request):
    access.require_capability(request.acting, "manage_programmes")
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.add_programme(request.acting, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{made.name} is added to your programmes.")
            return redirect("programmes")
    return render(request, "outcomes/programmes/new.html", {"form": form})


def _set_active(request, pk, active):
    item = services.set_programme_active(request.acting, services.programme(request.acting, pk), active)
    done = "active again" if active else "deactivated: it is no longer offered for new interventions"
    messages.success(request, f"{item.name} is {done}.")
    return redirect("programmes")


@login_required
@require_POST
def deactivate_programme(request, pk):
    return _set_active(request, pk, False)


@login_required
@require_POST
def reactivate_programme(request, pk):
    return _set_active(request, pk, True)
