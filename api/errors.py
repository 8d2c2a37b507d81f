"""Every error of the API as JSON, in the request's language: DRF's own, and what
a service or the database raises for bad input (never a 500, never the value)."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import DataError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from api.entry import validation_error
from core.errors import StoredValueUnreadable

logger = logging.getLogger("custodian")


def exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        exc = validation_error(exc)
    elif isinstance(exc, OverflowError | DataError):
        logger.warning("Bad API input refused: %s (a value out of range)", type(exc).__name__)
        return Response({"detail": _("A value is out of range.")}, status=status.HTTP_400_BAD_REQUEST)
    elif isinstance(exc, StoredValueUnreadable):
        logger.error(*exc.log_line(context["request"].path))
        return Response(
            {"detail": _("The record cannot be decrypted right now.")}, status=status.HTTP_503_SERVICE_UNAVAILABLE
        )
    return drf_handler(exc, context)
