"""`seed_scale N`: a company's worth of realistic customers, fast (SPEC §8).

Customers go through the import's own path: each generated row
(`bulk.benchdata.seed_cells`) is checked by the import's `RowChecker` — the
model's rules, `Customer.clean()`, blind indexes — and encrypted under its own
data key there, in worker processes (`bulk.pipeline`'s workers), while this
process decides where each customer stands in the company (department, maker,
owner, review state, dates) and writes the batch with its related rows: history,
the maker's and owner's rights, review decisions, tags, transactions with some
reversals, contacts, complaints and surveys, each with its history row. On
PostgreSQL every table is written with `COPY`; on SQLite with one prepared
`executemany` per table (`bulk.fastinsert`).

Customer number n is always the same customer, so a run resumes after the last
committed batch (each batch is one transaction) and never makes a customer
twice. Primary keys come from each table's sequence, archive numbers from the
archive sequence: the application keeps working on the seeded database."""

from bulk.seeding.company import Company, company_build, products_ensure, seeded_count
from bulk.seeding.placing import HEAVY_CONTACTS, HEAVY_EVERY, HEAVY_TRANSACTIONS, Placed, created_at, place
from bulk.seeding.seeder import Seeder, Totals, workers_default
from bulk.seeding.tables import SEEDED_MODELS, finish

__all__ = [
    "HEAVY_CONTACTS",
    "HEAVY_EVERY",
    "HEAVY_TRANSACTIONS",
    "SEEDED_MODELS",
    "Company",
    "Placed",
    "Seeder",
    "Totals",
    "company_build",
    "created_at",
    "finish",
    "place",
    "products_ensure",
    "seeded_count",
    "workers_default",
]
