-- Matching (schema 4): the index keys of advisories and platforms, and the verdicts matching
-- derived. Everything here is derived data: `patchwise match --full` rebuilds it from the plant
-- and the intelligence.

-- 0: the advisory is new or changed since the last match (its keys and verdicts are stale).
ALTER TABLE advisories ADD COLUMN matched INTEGER NOT NULL DEFAULT 0 CHECK (matched IN (0, 1));
CREATE INDEX advisories_unmatched ON advisories (matched) WHERE matched = 0;

-- Index keys of each advisory's statements (`v:siemens`, `cpe:siemens:simatic_s7-1500_cpu_firmware`,
-- `purl:npm/lodash`) with the vulnerability each statement is about. `advisory` is the rowid of
-- `advisories` (stable: advisories are updated in place).
CREATE TABLE advisory_keys (
    key           TEXT NOT NULL,
    advisory      INTEGER NOT NULL,
    vulnerability TEXT NOT NULL,
    PRIMARY KEY (key, advisory, vulnerability)
) STRICT, WITHOUT ROWID;
CREATE INDEX advisory_keys_advisory ON advisory_keys (advisory);

-- A platform: what matching knows about an asset (identity and components), one row per distinct
-- content; assets made of the same things share one.
-- `verdicts_digest` is a digest of the platform's verdicts as last written in whole (NULL after an
-- incremental change): a full match that computes the same verdicts writes nothing.
CREATE TABLE platforms (
    id              INTEGER PRIMARY KEY,
    fingerprint     TEXT NOT NULL UNIQUE,
    verdicts_digest TEXT
) STRICT;

CREATE TABLE platform_keys (
    key      TEXT NOT NULL,
    platform INTEGER NOT NULL REFERENCES platforms (id) ON DELETE CASCADE,
    PRIMARY KEY (key, platform)
) STRICT, WITHOUT ROWID;
CREATE INDEX platform_keys_platform ON platform_keys (platform);

CREATE TABLE asset_platforms (
    asset_id TEXT NOT NULL PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
    platform INTEGER NOT NULL REFERENCES platforms (id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX asset_platforms_platform ON asset_platforms (platform);

-- One verdict per platform, part (slot) and vulnerability; `doc` is the verdict with its evidence.
CREATE TABLE verdicts (
    platform        INTEGER NOT NULL REFERENCES platforms (id) ON DELETE CASCADE,
    slot            TEXT NOT NULL,
    vulnerability   TEXT NOT NULL COLLATE NOCASE,
    status          TEXT NOT NULL,
    confidence      TEXT NOT NULL,
    confidence_rank INTEGER NOT NULL,
    advisory        TEXT NOT NULL,
    doc             TEXT NOT NULL,
    PRIMARY KEY (platform, slot, vulnerability)
) STRICT, WITHOUT ROWID;
CREATE INDEX verdicts_vulnerability ON verdicts (vulnerability);

-- The plant version counts plant writes; a match that saw an older one must start over.
CREATE TABLE match_state (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    plant_version         INTEGER NOT NULL,
    matched_plant_version INTEGER,
    last_run              TEXT,
    last_kind             TEXT,
    last_summary          TEXT
) STRICT;
-- A database migrated with a plant in it starts counted as written (one per logged import), so the
-- first match after the upgrade is a full one.
INSERT INTO match_state (id, plant_version) VALUES (1, (SELECT count(*) FROM imports));

-- Covering indexes: matching reads every asset's identity and components without touching the
-- wide rows that hold the full records.
CREATE INDEX assets_match ON assets (id, vendor, product, model, firmware);
CREATE INDEX asset_components_match ON asset_components (asset_id, ord, kind, vendor, name, version, cpe, purl);
