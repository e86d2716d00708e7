"""The figures page, its CSV downloads and the population reference data page. Thin: parse, select, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core import clock
from core.web import apply_errors
from partners import access, csv_export
from partners.signin.decorators import fresh_second_factor

from . import charts, rules, selectors, services
from . import figures as f
from .forms import PeriodForm, PopulationForm


def _period_form(request):
    return PeriodForm.read(request.GET, today=clock.today())


def _with_charts(sections):
    """Geometry for the charts the figures ask for (the numbers are the figures' own)."""
    drawn = {}
    for section in sections:
        for figure in section.figures:
            if figure.chart == "columns":
                drawn[figure.slug] = charts.columns([(f"{m:%b %y}", n) for m, n in figure.series])
            elif figure.chart == "bars":
                drawn[figure.slug] = charts.horizontal_bars([(r.label, r.cells[rules.CURRENT].count) for r in figure.rows])
            elif figure.chart == "forest":
                drawn[f"{section.slug}-{figure.slug}"] = charts.forest([
                    (rules.BROAD_SHORT[r.key], r.cells[rules.CURRENT].value, r.cells[rules.CURRENT].low,
                     r.cells[rules.CURRENT].high)
                    for r in figure.rows if r.key != rules.COMPARATOR
                ])
    return drawn


def _figures_page(request, slug):
    """The summary (slug None) or one section, under the sub-navigation of every page of the figures."""
    acting = access.require_capability(request.acting, "view_figures")
    form = _period_form(request)
    period = form.period
    query = request.GET.urlencode()
    context = {"form": form, "vru": acting.is_vru, "organisation": acting.organisation, "query": query,
               "can_manage_population": access.can(acting, "manage_population"),
               "pages": _pages(slug, query), "slug": slug}
    if period is None:
        return render(request, "reporting/figures.html", context, status=400)
    shown = (selectors.summary(acting, period, form.chosen_area) if slug is None
             else selectors.section(acting, slug, period, form.chosen_area))
    context.update({
        "section": shown, "periods": rules.shown_comparisons(period), "period": period,
        "area": dict(form.fields["area"].choices)[form.chosen_area] if form.chosen_area else "",
        "charts": _with_charts([shown]),
    })
    return render(request, "reporting/figures.html", context)


def _pages(current, query):
    """The sub-navigation: the summary, then each section; the period and area go along."""
    suffix = f"?{query}" if query else ""
    pages = [(reverse("figures") + suffix, "Summary", current is None)]
    pages += [(reverse("figures-section", args=[slug]) + suffix, title, slug == current) for slug, title in f.SECTIONS.items()]
    return pages


@login_required
def figures(request):
    return _figures_page(request, None)


@login_required
def figures_section(request, section):
    access.require_capability(request.acting, "view_figures")  # before the 404, as for the CSV
    if section not in f.SECTIONS:
        raise Http404("No such figures.")
    return _figures_page(request, section)


@login_required
@fresh_second_factor
def figures_csv(request, section):
    acting = access.require_capability(request.acting, "view_figures")
    if section not in f.SECTIONS:
        raise Http404("No such figures.")
    form = _period_form(request)
    period = form.period
    if period is None:
        return HttpResponse("The period is not valid: " + "; ".join(m for _, m in form.error_links()), status=400,
                            content_type="text/plain; charset=utf-8")
    area = form.chosen_area
    chosen = selectors.section(acting, section, period, area)
    services.record_export(acting, what="figures_csv", section=section, period=period, area=area, request=request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"figures-{section}-{period.start:%Y-%m-%d}-to-{period.last_day:%Y-%m-%d}{'-' + area if area else ''}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv_export.writer(response)
    writer.writerow(f.CSV_HEADER)
    writer.writerows(f.csv_rows(chosen, rules.comparisons(period)))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def population(request):
    acting = access.require_capability(request.acting, "manage_population")
    form = PopulationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.set_population(acting, now=timezone.now(), **form.values())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Saved: {row.count:,} people, {row}.")
            return redirect("figures-population")
    return render(request, "reporting/population.html", {
        "form": form, "table": selectors.population_table(), "areas": selectors.AREAS,
    }, status=400 if form.errors else 200)
