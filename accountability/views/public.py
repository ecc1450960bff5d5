"""The public pages (no sign-in): the list of districts that publish a page, and each district's
page with its numbers and their CSV downloads; and, for district administrators, the page's
settings and a preview.

The public pages are the same for everyone: they read no session (the visitor is taken as
anonymous), set no cookie, hold no form that posts, and may be cached for five minutes."""

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from sro_portal.access import ScopedAccessMixin
from sro_portal.exports import Export
from sro_portal.forms import add_service_errors
from sro_portal.models import District
from sro_portal.roles import Role
from sro_portal.schoolyear import school_year_label
from sro_portal.scope import scope_of

from .. import services
from ..forms import PublicPageForm
from ..models import PublicPage
from ..public import numbers, page_content, public_years, tables_offered

MAX_AGE = 300


class BadQuery(Exception):
    """A query string asking for something the page does not offer; the message says what is."""


class PublicView(TemplateView):
    def dispatch(self, request, *args, **kwargs):
        # Everyone sees the same page: nothing of a signed-in visitor's session is read.
        request.user = AnonymousUser()
        try:
            response = super().dispatch(request, *args, **kwargs)
        except BadQuery as error:
            response = self.render_to_response({"error": str(error)}, status=400)
            response.template_name = "public/bad_request.html"
        except Http404:
            # The same answer for a district that does not exist and one that publishes nothing.
            response = self.render_to_response({}, status=404)
            response.template_name = "public/not_found.html"
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


class PublicHomeView(PublicView):
    template_name = "public/home.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:100]
        districts = District.objects.filter(public_page__published=True).order_by("name")
        if query:
            districts = districts.filter(
                Q(name__icontains=query) | Q(schools__name__icontains=query)
            ).distinct()
        return super().get_context_data(districts=districts, q=query, **kwargs)


def published_page(dpi_code) -> PublicPage:
    """The published page of a district; an unknown district and an unpublished one answer the
    same 404."""
    page = (
        PublicPage.objects.filter(published=True, district__dpi_code=dpi_code)
        .select_related("district")
        .first()
    )
    if page is None:
        raise Http404
    return page


def district_context(page, request) -> dict:
    offered = tables_offered(page)
    years = public_years()
    context = page_content(page)
    context["years"] = numbers(page, years) if offered else []
    context["offered_years"] = [school_year_label(y) for y in years]
    return context


class PublicDistrictView(PublicView):
    template_name = "public/district.html"

    def get(self, request, *args, **kwargs):
        page = published_page(kwargs["dpi_code"])
        if "download" in request.GET or "year" in request.GET:
            return self.download(page)
        return self.render_to_response(self.get_context_data(**district_context(page, request)))

    def download(self, page):
        offered = tables_offered(page)
        years = public_years()
        name = self.request.GET.get("download", "")
        if name not in offered:
            raise BadQuery(
                _("This page offers no table “%(name)s”. The tables offered are: %(offered)s.")
                % {"name": name[:40], "offered": ", ".join(offered) or _("none")}
            )
        year_text = self.request.GET.get("year", "")
        year = next((y for y in years if str(y) == year_text), None)
        if year is None:
            raise BadQuery(
                _("This page offers no school year “%(year)s”. The years offered are: %(years)s.")
                % {"year": year_text[:40], "years": ", ".join(str(y) for y in years)}
            )
        table = numbers(page, [year], only=name)[0].tables[0]
        export = Export(
            title=f"{page.district.name}: {table.title}",
            headers=table.headers,
            rows=table.export_rows(),
            filters={
                "District": f"{page.district.name} ({page.district.dpi_code})",
                "School year": table.year_label,
                "Small numbers": "<10 is a count of 1 to 9; * is a number withheld to protect one",
            },
        )
        return export.response("csv")


class PublicPageSettingsView(ScopedAccessMixin, TemplateView):
    """A district administrator chooses what the district's public page shows, and publishes it."""

    roles = frozenset({Role.DISTRICT_ADMIN})
    template_name = "accountability/public_page_settings.html"

    def get_page(self):
        district_ids = sorted(scope_of(self.request.user).district_ids)
        wanted = self.request.GET.get("district") or self.request.POST.get("district")
        if wanted:
            if not wanted.isdigit() or int(wanted) not in district_ids:
                raise Http404
            district_id = int(wanted)
        else:
            district_id = district_ids[0]
        district = District.objects.get(pk=district_id)
        self.districts = District.objects.filter(pk__in=district_ids).order_by("name")
        return PublicPage.objects.filter(district=district).first() or PublicPage(district=district)

    def get(self, request, *args, **kwargs):
        page = self.get_page()
        return self.render_to_response(self.context(page, PublicPageForm(instance=page)))

    def post(self, request, *args, **kwargs):
        page = self.get_page()
        form = PublicPageForm(request.POST, instance=page)
        if form.is_valid():
            page = form.save(commit=False)
            try:
                services.public_page_save(
                    actor=self.actor,
                    page=page,
                    changed_fields=form.changed_data,
                    contacts=form.cleaned_data["contacts"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    "The public page is published."
                    if page.published
                    else "Saved. The public page is not published: nobody outside can see it.",
                )
                url = reverse("accountability:public_page_settings")
                return redirect(f"{url}?district={page.district_id}")
        return self.render_to_response(self.context(page, form))

    def context(self, page, form):
        return self.get_context_data(page=page, form=form, districts=self.districts)


class PublicPagePreviewView(ScopedAccessMixin, TemplateView):
    """The page as the public would see it with the sections chosen, published or not."""

    roles = frozenset({Role.DISTRICT_ADMIN})
    template_name = "public/district.html"

    def get(self, request, *args, **kwargs):
        if kwargs["district_pk"] not in scope_of(request.user).district_ids:
            raise Http404
        district = District.objects.get(pk=kwargs["district_pk"])
        # Before the settings are first saved, the preview shows the default sections.
        page = PublicPage.objects.filter(district=district).first() or PublicPage(district=district)
        return self.render_to_response(
            self.get_context_data(preview=True, **district_context(page, request))
        )
