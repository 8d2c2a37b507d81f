"""Log-ins, failed log-ins, log-outs and lock-outs go to the access log. Django and
django-axes announce these only through signals, so the receivers live here and
do nothing but record."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import AccessLog
from audit.services import access_log_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    access_log_record(action=AccessLog.Action.LOGIN, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    access_log_record(
        action=AccessLog.Action.LOGOUT, actor=user, request=request, actor_name=getattr(user, "username", "")
    )


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # `credentials` is already cleansed by Django; only the user name is kept.
    name = str((credentials or {}).get("username", "")).strip().lower()[:150]
    access_log_record(action=AccessLog.Action.LOGIN_FAILED, request=request, actor_name=name)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs) -> None:
    access_log_record(
        action=AccessLog.Action.LOCKED_OUT, request=request, actor_name=str(username or "").strip().lower()[:150]
    )
