"""The chart pages: one per audience. Each reads its figures through insights.services (cached per filter),
shows every chart with its table, and serves any chart's CSV at the same address with `csv=<chart>`, so a
bookmarked or shared address shows the same figures."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from core.csv import csv_response, csv_text
from core.permissions import CouncilRoleRequiredMixin, PlatformAdminRequiredMixin
from councils.http import MemberRequest
from councils.models import Council, Role

from . import services
from .forms import ChartFilterForm
from .selectors import Period


class ChartPage(TemplateView):
    template_name = "insights/page.html"
    title = ""
    intro = ""
    with_nation = False

    def figures(self, period: Period, nation: str) -> dict:  # pragma: no cover - each page supplies it
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        form = ChartFilterForm(request.GET or None, with_nation=self.with_nation)
        months, nation = form.chosen()
        period = Period(months=months, today=timezone.localdate())
        figures = self.figures(period, nation)
        wanted = request.GET.get("csv")
        if wanted:
            chart = next((c for c in figures["charts"] if c.slug == wanted), None)
            if chart is None:
                raise Http404
            header, *rows = chart.csv_rows()
            name = f"{chart.slug}-{months}-months{'-' + nation if nation else ''}.csv"
            return csv_response(csv_text(header, rows), name)
        query = request.GET.copy()
        query.pop("csv", None)
        context = self.get_context_data(
            form=form,
            period=period,
            nation=nation,
            title=self.title,
            intro=self.intro,
            query=query.urlencode(),
            # an invoice's page is for its councils' finance officers
            invoice_links=request.user.has_role(Role.FINANCE_OFFICER),
        )
        return self.render_to_response({**context, **figures})


class PlatformChartsView(PlatformAdminRequiredMixin, ChartPage):
    title = "The pool at a glance"
    intro = "Whether the pool is growing, where it is thin, and what the councils' money and searches say."
    with_nation = True

    def figures(self, period, nation):
        return services.platform_figures(period=period, nation=nation)


class CouncilChartsView(CouncilRoleRequiredMixin, ChartPage):
    request: MemberRequest
    required_roles = (Role.COUNCIL_ADMIN,)
    title = "Your council at a glance"
    intro = (
        "What your council gives and receives, how much of your specialists' permitted time is used, and money "
        "in and out. Only your council sees these figures."
    )

    def figures(self, period, nation):
        return services.council_figures(council_id=self.council.pk, period=period)


class FinanceChartsView(CouncilRoleRequiredMixin, ChartPage):
    request: MemberRequest
    required_roles = (Role.FINANCE_OFFICER, Role.COUNCIL_ADMIN)
    title = "Money over time"
    intro = (
        "What your council has invoiced and been invoiced each month, and what is still outstanding by age. "
        "Only your council sees these figures."
    )
    template_name = "insights/finance.html"

    def figures(self, period, nation):
        return services.finance_figures(council_id=self.council.pk, period=period)


class StaffCouncilChartsView(PlatformAdminRequiredMixin, ChartPage):
    """Platform staff see any council's charts: its administrator's and its finance team's, together."""

    template_name = "insights/finance.html"
    intro = "What the council gives and receives, its specialists' use of their permitted time, and its money."

    @cached_property
    def council(self) -> Council:
        return get_object_or_404(Council, code=self.kwargs["code"])

    @property
    def title(self) -> str:  # type: ignore[override]
        return f"{self.council.short_name} at a glance"

    def figures(self, period, nation):
        council = services.council_figures(council_id=self.council.pk, period=period)
        finance = services.finance_figures(council_id=self.council.pk, period=period)
        ageing = [c for c in finance["charts"] if c.slug == "ageing"]
        return {**finance, "charts": [*council["charts"], *ageing]}
