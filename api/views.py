"""The API's endpoints (issue 21): thin — a selector or the page's form and
service, then a serializer. Rows come from the same scopes as the pages
(`*_visible_to`, `*_for`: out of scope is a 404), fields through the same tiers."""

from __future__ import annotations

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.response import Response

from api import entry, serializers
from api.base import ApiView
from api.services import api_reveal
from core.visibility import visible_or_404
from customers import selectors as customer_selectors
from customers import services as customer_services
from customers.forms import CustomerForm
from customers.lookups import customer_lookup
from customers.rights import CustomerRights, customer_for
from interactions import rights as interaction_rights
from interactions import selectors as interaction_selectors
from interactions.forms import ComplaintForm, InteractionForm
from transactions import rights as transaction_rights
from transactions import selectors as transaction_selectors
from transactions.forms import TransactionForm
from transactions.models import Product

CUSTOMER_FILTER = OpenApiParameter("customer", int, description="Only the rows of this customer.")
QUERY = OpenApiParameter(
    "q", str, description="A name prefix, archive number or mobile. ID and bank numbers only through POST search/."
)


def _customer_filter(request, rows):
    value = request.query_params.get("customer")
    if value is None:
        return rows
    if not value.isdigit() or len(value) > 18:
        raise exceptions.ValidationError({"customer": [_("Give the customer's id (a number).")]})
    return rows.filter(customer_id=int(value))


class CustomerList(ApiView):
    serializer_class = serializers.CustomerSerializer

    @extend_schema(parameters=[QUERY], responses=serializers.CustomerSerializer(many=True))
    def get(self, request):
        query = request.query_params.get("q", "")[:100]
        if customer_selectors.reads_as_s3(query):
            # Never searched from an address: the same answer whether or not it exists.
            raise exceptions.ValidationError({"q": [_("ID and bank numbers are searched only with POST search/.")]})
        rows = customer_selectors.customer_list(user=request.user, query=query).select_related(None)
        rows = rows.select_related("department", "data_key").prefetch_related("tags").order_by("-id")
        return self.page_of(rows, self.serializer_class, rights=CustomerRights(request.user))

    @extend_schema(
        request=serializers.body_serializer("CustomerBody", CustomerForm, customer=False),
        responses={201: serializers.CustomerSerializer},
    )
    def post(self, request):
        customer = entry.enter("customer", actor=request.user, body=request.data)
        return self.one(customer, self.serializer_class, status=201, rights=CustomerRights(request.user))


class CustomerDetail(ApiView):
    serializer_class = serializers.CustomerSerializer

    def get(self, request, pk: int):
        customer = customer_for(request.user, pk, page=True)
        return self.one(customer, self.serializer_class, rights=CustomerRights(request.user))


class CustomerSearch(ApiView):
    """An exact ID or bank number only here, in the body: looked up through the
    blind index, logged (never the number) and counted against the hourly budget."""

    serializer_class = serializers.SearchSerializer

    @extend_schema(request=serializers.SearchSerializer, responses=serializers.SearchResultSerializer)
    @method_decorator(sensitive_variables("body", "query"))
    def post(self, request):
        body = serializers.SearchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        query, tag = body.validated_data["q"], body.validated_data.get("tag", "")
        rights = CustomerRights(request.user)
        if customer_selectors.reads_as_s3(query):
            if not customer_selectors.s3_kinds(query):
                raise exceptions.ValidationError({"q": [_("This is neither a complete ID number nor a bank number.")]})
            shown = settings.CRM_CUSTOMER_PAGE_SIZE
            found = customer_lookup(actor=request.user, request=request._request, query=query, tag=tag, shown=shown)
            if found.refused:
                raise exceptions.Throttled(detail=_("The hourly budget of lookups by ID or bank number is spent."))
            matched, rows = found.matched, found.rows
        else:
            rows = list(customer_selectors.customer_list(user=request.user, query=query, tag=tag)[:50])
            matched = len(rows)
        self.rows = len(rows)
        prefetch_related_objects(rows, "tags")
        results = serializers.CustomerSerializer(rows, many=True, context={"rights": rights}).data
        return Response({"matched": matched, "results": results})


class CustomerReveal(ApiView):
    serializer_class = serializers.RevealSerializer

    @extend_schema(request=serializers.RevealSerializer, responses=serializers.RevealedSerializer)
    @method_decorator(sensitive_variables("value"))
    def post(self, request, pk: int):
        customer = customer_for(request.user, pk)
        body = serializers.RevealSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        field, purpose = body.validated_data["field"], body.validated_data["purpose"]
        value = api_reveal(
            actor=request.user, customer=customer, field=field, purpose=purpose, request=request._request
        )
        self.rows = 1
        return Response({"field": field, "value": value})


class CustomerGrantRequest(ApiView):
    """Ask for a grant to reveal this customer's ID and bank numbers: the system's
    account is the requester, and a manager of the department decides on the
    grants page, as for a clerk's request."""

    serializer_class = serializers.GrantRequestSerializer

    @extend_schema(request=serializers.GrantRequestSerializer, responses={201: serializers.GrantSerializer})
    def post(self, request, pk: int):
        customer = customer_for(request.user, pk)
        body = serializers.GrantRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        grant = customer_services.grant_request(
            actor=request.user, customer=customer, request=request._request, **body.validated_data
        )
        return self.one(grant, serializers.GrantSerializer, status=201)


class RowList(ApiView):
    """Rows that belong to customers, newest first, in the caller's scope."""

    rows_of = staticmethod(lambda user: None)

    def get(self, request):
        rows = _customer_filter(request, self.rows_of(request.user)).order_by("-id")
        return self.page_of(rows, self.serializer_class)


class EnteredRowList(RowList):
    """…and POST enters one through the page's form and service (`entry_kind`)."""

    entry_kind = ""

    def post(self, request):
        obj = entry.enter(self.entry_kind, actor=request.user, body=request.data)
        return self.one(obj, self.serializer_class, status=201)


class RowDetail(ApiView):
    row_for = staticmethod(lambda user, pk: None)

    def get(self, request, pk: int):
        return self.one(self.row_for(request.user, pk), self.serializer_class)


def _documented(serializer, form=None, name=""):
    methods = {"get": extend_schema(parameters=[CUSTOMER_FILTER], responses=serializer(many=True))}
    if form is not None:
        body = serializers.body_serializer(name, form, customer=True)
        methods["post"] = extend_schema(request=body, responses={201: serializer})
    return extend_schema_view(**methods)


@_documented(serializers.TransactionSerializer, TransactionForm, "TransactionBody")
class TransactionList(EnteredRowList):
    serializer_class = serializers.TransactionSerializer
    rows_of = staticmethod(transaction_selectors.transactions_visible_to)
    entry_kind = "transaction"


class TransactionDetail(RowDetail):
    serializer_class = serializers.TransactionSerializer
    row_for = staticmethod(transaction_rights.transaction_for)


@_documented(serializers.ContactSerializer, InteractionForm, "ContactBody")
class ContactList(EnteredRowList):
    serializer_class = serializers.ContactSerializer
    rows_of = staticmethod(interaction_selectors.interactions_visible_to)
    entry_kind = "contact"


class ContactDetail(RowDetail):
    serializer_class = serializers.ContactSerializer
    row_for = staticmethod(interaction_rights.interaction_for)


@_documented(serializers.ComplaintSerializer, ComplaintForm, "ComplaintBody")
class ComplaintList(EnteredRowList):
    serializer_class = serializers.ComplaintSerializer
    rows_of = staticmethod(interaction_selectors.complaints_visible_to)
    entry_kind = "complaint"


class ComplaintDetail(RowDetail):
    serializer_class = serializers.ComplaintSerializer
    row_for = staticmethod(interaction_rights.complaint_for)


@_documented(serializers.SurveySerializer)
class SurveyList(RowList):
    serializer_class = serializers.SurveySerializer
    rows_of = staticmethod(interaction_selectors.surveys_visible_to)


class SurveyDetail(RowDetail):
    serializer_class = serializers.SurveySerializer
    row_for = staticmethod(lambda user, pk: visible_or_404(interaction_selectors.surveys_visible_to(user), pk))


class ProductList(ApiView):
    """The company's catalogue: every token may read it."""

    serializer_class = serializers.ProductSerializer

    @extend_schema(responses=serializers.ProductSerializer(many=True))
    def get(self, request):
        return self.page_of(Product.objects.all(), self.serializer_class)


class ProductDetail(RowDetail):
    serializer_class = serializers.ProductSerializer
    row_for = staticmethod(lambda user, pk: visible_or_404(Product.objects.all(), pk))


class Docs(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar's files, its script served apart (the CSP runs no inline script)."""

    template_name = "api/swagger_ui.html"
