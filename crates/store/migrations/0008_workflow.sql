-- Workflow (schema 8): local users and their roles, the remediation record of each finding or
-- group of findings, and the append-only, hash-chained audit trail every change to them (and to
-- controls) is written to in the same transaction.
CREATE TABLE users (
    name       TEXT NOT NULL PRIMARY KEY,
    role       TEXT NOT NULL,
    password   TEXT,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE workflow (
    id         TEXT NOT NULL PRIMARY KEY,
    state      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    doc        TEXT NOT NULL
) STRICT;

CREATE INDEX workflow_state ON workflow (state);

CREATE TABLE audit_log (
    seq    INTEGER NOT NULL PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev   TEXT NOT NULL,
    hash   TEXT NOT NULL
) STRICT;
