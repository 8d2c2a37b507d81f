import pytest


@pytest.fixture(autouse=True)
def _imports_in_a_temporary_directory(settings, tmp_path):
    """Uploads go to a per-test directory; tasks run at once, in the test's thread."""
    settings.CRM_IMPORT_DIR = tmp_path / "imports"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
