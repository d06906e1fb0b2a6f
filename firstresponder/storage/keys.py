"""Key design of the DynamoDB tables (template.yaml declares the same; a test compares them).

Investigations table (single-table for one investigation's items):
  PK=INV#<id>  SK=META               the investigation record (status, alert, report without evidence)
  PK=INV#<id>  SK=EVIDENCE#<nnnn>    evidence chunks (each item well under DynamoDB's 400 KB)
  PK=INV#<id>  SK=FEEDBACK#<key>     one feedback per (user, idempotency key)
  GSI1 (recent by environment): GSI1PK=ENV#<cluster>#<namespace>#<workload>, GSI1SK=<ISO time>#<id>
       feedback items also carry GSI1PK=FB#<cluster>#<namespace> for "feedback by environment"
  GSI2 (by incident fingerprint): GSI2PK=FP#<fingerprint>, GSI2SK=<ISO time>
Dedup table:     PK=DEDUP#<key> with expiresAt (TTL)
Learning table:  PK=ENV#<cluster>#<namespace>  SK=CAT#<category>
"""

from __future__ import annotations

PK = "PK"
SK = "SK"
GSI1 = "GSI1"
GSI1PK = "GSI1PK"
GSI1SK = "GSI1SK"
GSI2 = "GSI2"
GSI2PK = "GSI2PK"
GSI2SK = "GSI2SK"
TTL_ATTRIBUTE = "expiresAt"

META = "META"


def investigation_pk(investigation_id: str) -> str:
    return f"INV#{investigation_id}"


def env_key(cluster: str | None, namespace: str | None, workload: str | None) -> str:
    return f"ENV#{cluster or '-'}#{namespace or '-'}#{workload or '-'}"


def feedback_env_key(cluster: str | None, namespace: str | None) -> str:
    return f"FB#{cluster or '-'}#{namespace or '-'}"


def learning_pk(cluster: str | None, namespace: str | None) -> str:
    return f"ENV#{cluster or '-'}#{namespace or '-'}"


def fingerprint_key(fingerprint: str) -> str:
    return f"FP#{fingerprint}"


def dedup_pk(key: str) -> str:
    return f"DEDUP#{key}"
