-- Scans (schema 10): other tools' reports and SBOMs, kept as evidence. One row per imported file
-- (a file with the same digest is not imported twice); per host of it, the asset it was tied to
-- (and by what) or none, and the host as the reader gave it (JSON); per host, the scanner's own
-- vulnerability claims, kept apart from Patchwise's findings so the two can be reconciled.
CREATE TABLE scan_imports (
    id         INTEGER PRIMARY KEY,
    file       TEXT NOT NULL,
    digest     TEXT NOT NULL UNIQUE,
    format     TEXT NOT NULL,
    at         TEXT NOT NULL,
    hosts      INTEGER NOT NULL,
    services   INTEGER NOT NULL,
    claims     INTEGER NOT NULL,
    components INTEGER NOT NULL,
    unmatched  INTEGER NOT NULL
) STRICT;

CREATE TABLE scan_hosts (
    import  INTEGER NOT NULL REFERENCES scan_imports (id),
    seq     INTEGER NOT NULL,
    key     TEXT NOT NULL,
    asset   TEXT,
    tied_by TEXT,
    doc     TEXT NOT NULL,
    PRIMARY KEY (import, seq)
) STRICT;

CREATE INDEX scan_hosts_asset ON scan_hosts (asset);

CREATE TABLE scan_claims (
    import        INTEGER NOT NULL REFERENCES scan_imports (id),
    seq           INTEGER NOT NULL,
    asset         TEXT,
    vulnerability TEXT NOT NULL,
    scanner_id    TEXT NOT NULL,
    title         TEXT NOT NULL,
    severity      TEXT
) STRICT;

CREATE INDEX scan_claims_asset ON scan_claims (asset, vulnerability);
