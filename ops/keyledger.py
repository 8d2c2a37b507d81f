"""The key store and the destruction ledger, seen from ops — the top layer, which
may call both vault (the store) and lifecycle (the shredding) (issue 18 item 2).

- `reconcile_key_store()` (before each backup): a destruction the database records
  but the ledger lacks (a crash between commit and the ledger's append) is appended;
  a share of a key the ledger names as shredded is deleted if still there.
- `replay_ledger()` (after a restore): every customer in the ledger is destroyed
  again — tombstoned and erased as lifecycle does — and every merged-away record
  loses its keys and sealed values again, before the restored database is used.
- `restore_keys(path)`: a key-store backup put back, without the shares of keys the
  current ledger names as shredded.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction

from customers.models import Customer, Status
from lifecycle.models import DestructionRecord
from lifecycle.shredding import shred_customer
from ops import backup_format as fmt
from vault import crypto, keystore
from vault.models import DataKey

# An ID or bank number as an import problem may quote it (digits, maybe spaced, an X).
NUMBER = re.compile(r"\d[\d ]{13,24}[\dXx]")


def reconcile_key_store() -> dict:
    entries = keystore.ledger_read()
    ledgered = {entry["subject"] for entry in entries}
    appended = 0
    missing = DestructionRecord.objects.exclude(customer_id__in=ledgered).values_list(
        "customer_id", "archive_no", "destroyed_at"
    )
    for customer_id, archive_no, destroyed_at in missing:
        keystore.ledger_append(
            kind="destroyed", subject=customer_id, label=archive_no, key_ids=[], at=destroyed_at.timestamp()
        )
        appended += 1
    shredded = {key for entry in entries for key in entry["keys"]}
    forgotten = keystore.shares_forget(shredded) if shredded else 0
    return {"ledger_appended": appended, "shares_forgotten": forgotten}


@dataclass
class Replay:
    destroyed: list[str] = field(default_factory=list)  # archive numbers destroyed again
    merged: list[str] = field(default_factory=list)  # merged-away records whose keys went again
    mismatched: list[str] = field(default_factory=list)  # ledger entries naming another record


def _erase_merged(customer: Customer, key_ids: list[str]) -> None:
    """What the merge did to the merged-away record's confidentiality, again: its
    data key and every sealed value and blind index under it."""
    blank = dict.fromkeys(Customer.S3_FIELDS, "")
    blank.update(id_type="", id_number_index="", bank_account_index="")
    Customer.objects.filter(pk=customer.pk).update(**blank, data_key=None)
    history = Customer.history.model
    kept = {f.name for f in history._meta.concrete_fields}
    history.objects.filter(id=customer.pk).update(**{k: v for k, v in blank.items() if k in kept}, data_key=None)
    DataKey.objects.filter(id__in=key_ids).delete()


def _erase_sealed_quotes(customer: Customer) -> int:
    """Import problems quoting the customer's ID or bank number. Its sealed values
    no longer open (the share is gone), so `shred_customer` cannot search for them;
    the blind indexes still in the restored row find them instead."""
    indexes = {i for i in (customer.id_number_index, customer.bank_account_index) if i}
    if not indexes:
        return 0
    RowProblem = apps.get_model("bulk", "RowProblem")
    quoting = []
    for pk, message in RowProblem.objects.filter(message__regex=r"[0-9]{6}").values_list("pk", "message").iterator():
        for found in NUMBER.findall(message):
            number = found.replace(" ", "").upper()
            if {crypto.blind_index(domain, number) for domain in ("id_number", "bank_account")} & indexes:
                quoting.append(pk)
                break
    return RowProblem.objects.filter(pk__in=quoting).update(message="")


def replay_ledger() -> Replay:
    replay = Replay()
    for entry in keystore.ledger_read():
        with transaction.atomic():
            customer = Customer.objects.select_for_update().filter(pk=entry["subject"]).first()
            if customer is None:
                continue  # entered after this backup was taken
            if customer.archive_no != entry["label"]:
                replay.mismatched.append(entry["label"])
                continue
            if entry["kind"] == "destroyed" and customer.status != Status.DESTROYED:
                _erase_sealed_quotes(customer)
                shred_customer(customer, note=f"ledger {entry['label']}", actor=None)
                replay.destroyed.append(entry["label"])
            elif entry["kind"] == "merged" and DataKey.objects.filter(id__in=entry["keys"]).exists():
                _erase_merged(customer, entry["keys"])
                replay.merged.append(entry["label"])
    return replay


def restore_keys(path) -> dict:
    """Put a key-store backup back. Shares already present are kept; shares of keys
    the current ledger names as shredded are never put back; the backup's ledger
    entries the current ledger lacks are appended."""
    header, stream = fmt.open_backup(path)
    if header.kind != fmt.KEYS:
        raise fmt.BackupError("This is a database backup, not a key-store backup.")
    from ops.backup import read_manifest, share_records

    current = keystore.ledger_read()
    shredded = {key for entry in current for key in entry["keys"]}
    known = {(entry["subject"], entry["kind"]) for entry in current}
    written = skipped = appended = 0
    with stream:
        names = fmt.members(stream)
        read_manifest(names)
        for name, blocks in names:
            if name == "ledger.jsonl":
                for line in b"".join(blocks).decode().splitlines():
                    entry = json.loads(line)
                    if (entry["subject"], entry["kind"]) not in known:
                        keystore.ledger_append(**{k: entry[k] for k in ("kind", "subject", "label")},
                                               key_ids=entry["keys"], at=entry["at"])  # fmt: skip
                        shredded |= set(entry["keys"])
                        appended += 1
            elif name == "shares.bin":
                for block in blocks:
                    for key_id, share in share_records(block):
                        if str(key_id) in shredded or keystore.share_get(key_id) is not None:
                            skipped += 1
                            continue
                        keystore.share_put(key_id, share)
                        written += 1
    return {"shares_written": written, "shares_skipped": skipped, "ledger_appended": appended}
