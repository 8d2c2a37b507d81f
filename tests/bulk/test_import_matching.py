"""The import's preview uses the same matching as entry (issue 19 item 4): the
richer rules with their reasons, and no archive number outside the importer's scope."""

from __future__ import annotations

from datetime import date

import pytest

from bulk import pipeline
from bulk.models import ImportJob
from tests.bulk.helpers import csv_bytes, good_row
from tests.factories import CustomerFactory, make_resident_id


@pytest.mark.django_db
def test_the_import_preview_flags_the_richer_matches_with_their_reasons(clerk, other_clerk):
    born = date(1973, 1, 1)  # good_row(3)'s birth date
    mine = CustomerFactory(actor=clerk, n=700, name="導入3", id_number=make_resident_id(born, sequence=700))
    theirs = CustomerFactory(actor=other_clerk, n=701, name="别人", mobile="+8613800000701", phone="13910000005")
    job = ImportJob.objects.create(owner=clerk, filename="c.csv", file_format="csv")
    pipeline.store_upload(job, [csv_bytes([good_row(n) for n in range(1, 7)])])
    job = pipeline.check(job)
    flagged = {}
    for problem in job.problems.filter(warning=True):
        flagged.setdefault(problem.row, []).append(problem.message)
    assert set(flagged) == {4, 6}  # the rows of good_row(3) and good_row(5), after the header
    (same_person,) = flagged[4]
    assert mine.archive_no in same_person  # the importer's own record: named
    (crossed,) = flagged[6]
    assert theirs.archive_no not in crossed  # another clerk's: only that it exists
    assert "手机" in crossed or "mobile" in crossed
    assert job.bad_rows == 0
