from django.views.debug import SafeExceptionReporterFilter

from vault.masking import ALWAYS_MASKED

# Request fields whose values never appear in an error report.
SENSITIVE_POST_FIELDS = {*ALWAYS_MASKED, "password", "password1", "password2"}


class SensitiveValueFilter(SafeExceptionReporterFilter):
    """Error reports (the debug page, mailed reports) without sensitive values.

    Tracebacks show no local variables at all: any frame of a customer view may
    hold a decrypted value, and a report is read by people with no right to it."""

    def is_active(self, request) -> bool:
        return True

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if not params:
            return params
        params = params.copy()
        for name in SENSITIVE_POST_FIELDS & set(params):
            params[name] = self.cleansed_substitute
        return params

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
