from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ops.health import OK, health


@require_safe
@never_cache
def healthz(request):
    """For load balancers and monitoring, without a login: ok or failed for the
    database, the keys and the background worker; 503 if any failed."""
    checks = health()
    ok = all(answer == OK for answer in checks.values())
    return JsonResponse({"status": "ok" if ok else "failed", "checks": checks}, status=200 if ok else 503)
