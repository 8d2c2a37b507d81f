"""Personas and shared fixtures (STYLE.md: personas as fixtures)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from tests.factories import CustomerFactory, DepartmentFactory, UserFactory


@pytest.fixture(scope="session")
def _key_store_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("keystore")


@pytest.fixture(autouse=True)
def _test_key_store(settings, _key_store_dir, monkeypatch):
    """Tests keep the data keys' shares and the destruction ledger in a temp dir
    (and the processes a test starts, such as a worker, use the same)."""
    settings.CRM_KEY_STORE = str(_key_store_dir)
    monkeypatch.setenv("CRM_KEY_STORE", str(_key_store_dir))


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def department(db):
    return DepartmentFactory(code="retail", name="零售客户部")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="corporate", name="对公客户部")


def _persona(username: str, role: str | None, department, **extra):
    user = UserFactory(username=username, department=department, **extra)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def clerk(department):
    return _persona("clerk", "clerk", department)


@pytest.fixture
def other_clerk(department):
    return _persona("other_clerk", "clerk", department)


@pytest.fixture
def reviewer(department):
    return _persona("reviewer", "reviewer", department)


@pytest.fixture
def manager(department):
    return _persona("manager", "manager", department, is_staff=True)


@pytest.fixture
def other_department_manager(other_department):
    return _persona("other_manager", "manager", other_department, is_staff=True)


@pytest.fixture
def security_officer(department):
    return _persona("security", "security_officer", department, is_staff=True)


@pytest.fixture
def superuser(db):
    """A technical superuser with no role and no department: the business rules
    apply to them too (SPEC §1), so they see no business row."""
    return UserFactory(username="root", department=None, is_staff=True, is_superuser=True)


@pytest.fixture
def customer(clerk):
    return CustomerFactory(actor=clerk)


@pytest.fixture
def approved_customer(clerk, reviewer):
    """The clerk's customer, submitted and approved by the reviewer (business is
    recorded only for approved customers)."""
    from customers import services as customer_services

    pending = customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    return customer_services.customer_approve(actor=reviewer, customer=pending)


@pytest.fixture(autouse=True)
def _audit_checkpoints_apart(settings, tmp_path):
    """Each test keeps its access-log checkpoints in its own file."""
    settings.CRM_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"


@pytest.fixture(scope="session", autouse=True)
def _flush_lifts_the_protective_triggers():
    """Django empties the database after each `transaction=True` test with DELETE
    on SQLite and TRUNCATE on PostgreSQL. The access log's and approved
    transactions' triggers refuse both, so the flush lifts them and puts them back,
    with the very SQL the migrations install."""
    from django.db import connection

    from audit import triggers as access_log
    from transactions import triggers as approved_transactions

    DatabaseOperations = type(connection.ops)
    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        for triggers in (access_log, approved_transactions):
            if triggers.TABLE in tables:
                statements = [*triggers.remove(self.connection), *statements, *triggers.install(self.connection)]
        return statements

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original
