"""Sign up, log in and out, verification (postcard codes, invitations), settings."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from townsquare import policy
from townsquare.accounts import actions
from townsquare.accounts import selectors as accounts_selectors
from townsquare.accounts.actions.invitations import find_invitation
from townsquare.core.clientaddr import client_address
from townsquare.places import selectors as places
from townsquare.places.models import City, Neighborhood
from townsquare.web import maps
from townsquare.web.errors import catch_domain_error, domain_errors, form_errors
from townsquare.web.forms import (
    FollowNearbyForm,
    InviteForm,
    LoginForm,
    SignupForm,
    VerifyForm,
)

# The action names the hidden map fields; the page shows their errors by the address.
_SIGNUP_ALIASES = {"lat": "address", "lon": "address", "token": None}


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        messages.info(request, _("You are already signed in."))
        return redirect("web:home")
    token = (request.POST.get("invitation") or request.GET.get("invitation") or "").strip()
    form = SignupForm(request.POST or None, initial={"invitation": token})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with form_errors(form, _SIGNUP_ALIASES, up=()) as failed:
                return _signup(request, form)
            status = failed.status
    # The picker shows one city's map (?city=slug); addresses and points work in every city.
    cities = list(City.objects.order_by("name"))
    wanted = request.GET.get("city", "")
    city = next((c for c in cities if c.slug == wanted), cities[0] if cities else None)
    neighborhoods = list(places.neighborhoods_for_city(city)) if city else []
    return render(request, "web/accounts/signup.html", {
        "form": form,
        "has_errors": bool(form.errors),
        "invitation": find_invitation(token) if token else None,
        "invitation_token": token,
        "cities": cities,
        "map_city": city,
        "map": maps.city_map(city, neighborhoods) if city else None,
        "postcard_days": getattr(settings, "TOWNSQUARE_POSTCARD_DELIVERY_DAYS", (3, 7)),
    }, status=status)


def _signup(request: HttpRequest, form: SignupForm) -> HttpResponse:
    data = form.cleaned_data
    resident = actions.signup_resident(
        email=data["email"],
        password=data["password"],
        display_name=data["display_name"],
        address=data["address"] or None,
        lat=data["lat"] or None,
        lon=data["lon"] or None,
        invitation_token=data["invitation"] or None,
        client=client_address(request),
    )
    login(request, resident.user, backend="django.contrib.auth.backends.ModelBackend")
    if resident.home_approximate:
        messages.info(request, _("We placed %(address)s at an approximate location, between "
                                 "the neighboring house numbers of the street.")
                      % {"address": resident.home_address})
    if resident.is_verified:
        messages.success(request, _("Welcome to %(neighborhood)s! Your neighbor's invitation "
                                    "verified you.") % {"neighborhood": resident.neighborhood.name})
        return redirect("web:feed")
    return redirect("web:welcome")


@login_required
def welcome(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accounts/welcome.html",
                  {"resident": policy.resident_of(request.user)})


class LoginView(auth_views.LoginView):
    template_name = "web/accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """Where a sign-in without `next` leads: agency staff to their agency (whose pages
        ask for the second factor first), residents to their feed, everyone else to the home
        page."""
        if policy.agency_staff_of(self.request.user) is not None:
            return reverse("web:agency_home")
        if policy.resident_of(self.request.user) is not None:
            return reverse("web:feed")
        return super().get_default_redirect_url()

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        response.status_code = 429 if form.rate_limited else 400
        return response

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["has_errors"] = bool(context["form"].errors)
        return context


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def verify(request: HttpRequest) -> HttpResponse:
    resident = policy.resident_of(request.user)
    if resident is None:
        raise PermissionDenied(_("Only residents verify a home address."))
    form = VerifyForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    status = 200
    if request.method == "POST" and not resident.is_verified:
        status = 400
        if form.is_valid():
            with form_errors(form, up=()) as failed:
                actions.redeem_code(request.user, form.cleaned_data["code"])
                messages.success(request, _("You are verified. Welcome to %(neighborhood)s!")
                                 % {"neighborhood": resident.neighborhood.name})
                return redirect("web:feed")
            status = failed.status
    return render(request, "web/accounts/verify.html", {
        "form": form, "resident": resident, "has_errors": bool(form.errors),
    }, status=status)


@require_http_methods(["GET", "POST"])
@domain_errors
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = find_invitation(token)
    resident = policy.resident_of(request.user)
    error = ""
    status = 200 if found is not None else 404
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(_login_url(request))
        with catch_domain_error(up={403}) as failed:
            resident = actions.accept_invitation(request.user, token)
            messages.success(request, _("You are verified. Welcome to %(neighborhood)s!")
                             % {"neighborhood": resident.neighborhood.name})
            return redirect("web:feed")
        error, status = failed.field_message("token"), failed.status
    return render(request, "web/accounts/invitation.html", {
        "invitation": found, "token": token, "resident": resident, "error": error,
        "signup_url": f"{reverse('web:signup')}?{urlencode({'invitation': token})}",
        "login_url": _login_url(request),
    }, status=status)


def _login_url(request: HttpRequest) -> str:
    return f"{reverse('web:login')}?{urlencode({'next': request.path})}"


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def invite(request: HttpRequest) -> HttpResponse:
    if not policy.can_invite(request.user):
        raise PermissionDenied(_("Only verified residents can invite neighbors."))
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with form_errors(form, up=()) as failed:
                invitation, _token = actions.invite_neighbor(request.user,
                                                             form.cleaned_data["email"])
                messages.success(request, _("We emailed an invitation to %(email)s. It works "
                                            "once and expires in two weeks.")
                                 % {"email": invitation.email})
                return redirect("web:invite")
            status = failed.status
    return render(request, "web/accounts/invite.html", {
        "form": form, "resident": policy.resident_of(request.user),
        "has_errors": bool(form.errors),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def settings_page(request: HttpRequest) -> HttpResponse:
    resident = accounts_selectors.own_home(request.user)
    if resident is None:
        return render(request, "web/accounts/settings.html", {"resident": None})
    nearby = list(Neighborhood.objects.filter(pk__in=policy.nearby_ids(resident))
                  .order_by("name"))
    _own, followed = policy.feed_neighborhoods(resident)
    form = FollowNearbyForm(request.POST or None, nearby=nearby,
                            initial={"follow": [str(pk) for pk in followed]})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            chosen = {int(pk) for pk in form.cleaned_data["follow"]}
            with form_errors(form, {"muted": "follow"}, up=()) as failed:
                actions.set_muted_nearby(request.user,
                                         [n.pk for n in nearby if n.pk not in chosen])
                messages.success(request, _("Your feed settings are saved."))
                return redirect("web:settings")
            status = failed.status
    return render(request, "web/accounts/settings.html", {
        "resident": resident, "form": form, "nearby": nearby, "has_errors": bool(form.errors),
    }, status=status)


@require_GET
def address_suggest(request: HttpRequest) -> JsonResponse:
    """Home addresses for the sign-up address field: never a street corner.

    A typed house number between two known numbers of a street is offered too, as an
    approximate location.
    """
    query = request.GET.get("q", "")[:100]
    items: list[dict[str, object]] = []
    if len(query.strip()) >= 3:
        for city in City.objects.order_by("name"):
            home = places.resolve_home_address(city, query)
            if home is not None and home.approximate:
                hood = Neighborhood.objects.filter(pk=home.neighborhood_id).first()
                where = _("%(neighborhood)s, approximate location") % {
                    "neighborhood": hood.name} if hood else _("approximate location")
                items.append({"text": home.text, "city": city.name, "approximate": True,
                              "neighborhood": where})
            for address in places.search_addresses(city, query, limit=8, homes_only=True):
                items.append({"text": address.text, "city": city.name, "approximate": False,
                              "neighborhood": address.neighborhood.name
                              if address.neighborhood else None})
    return JsonResponse({"items": items[:8]})
