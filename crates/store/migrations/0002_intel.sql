-- 0002: vulnerability intelligence.
--
-- Every record keeps its full model value, provenance included, as compact JSON in `doc`; that is
-- what lookups read back. The other columns hold the record's key, the stamps versions are
-- ordered by, and fields later stages query by. Which version of a record is kept is decided in
-- Rust (`store::revision`), never in SQL. `imported_at` is when the stored version was written.
-- Ids of CVEs and advisories compare case-insensitively (ASCII), as the ids themselves do.
-- `source` columns hold `Source::as_str` (`nvd-2.0`, `cve-5-adp`, `kev`, ...).

-- One row per file read completely, by content digest: a later import skips files it has seen.
CREATE TABLE intel_files (
    digest      TEXT NOT NULL PRIMARY KEY,
    file        TEXT NOT NULL,
    format      TEXT NOT NULL,
    records     INTEGER NOT NULL CHECK (records >= 0),
    imported_at TEXT NOT NULL
) STRICT;

-- When an import last delivered records of a source and kind (`advisories`, `kev`, `epss`,
-- `ssvc`), whether they changed anything or not.
CREATE TABLE intel_source_imports (
    source      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    last_import TEXT NOT NULL,
    PRIMARY KEY (source, kind)
) STRICT, WITHOUT ROWID;

-- family:  `nvd` for nvd-1.1 and nvd-2.0 (one record per CVE over both feeds), else the source.
-- variant: the provenance document for cve-5-adp (`CVE-...#adp/<shortName>`: one record per ADP
--          container), else ''.
-- source:  the source of the stored version (nvd-1.1 or nvd-2.0 within the `nvd` family).
-- modified, revision: as published (`modified`, provenance `revision`), for ordering versions.
-- modified_key: `modified` as text that sorts (UTC `YYYY-MM-DDTHH:MM:SSZ` where it is a timestamp).
-- The key is (family, id, variant); its index leads with `id`, so it serves lookups by id too.
-- advisories_source serves the status (counts and newest per source) without reading documents.
CREATE TABLE advisories (
    family       TEXT NOT NULL,
    id           TEXT NOT NULL COLLATE NOCASE,
    variant      TEXT NOT NULL,
    source       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    modified     TEXT,
    modified_key TEXT,
    revision     TEXT,
    rejected     INTEGER NOT NULL CHECK (rejected IN (0, 1)),
    doc          TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    PRIMARY KEY (id, family, variant)
) STRICT;
CREATE INDEX advisories_source ON advisories (source, modified_key);

-- The other ids an advisory names (the CVEs a CSAF advisory covers, GHSA ids), upper-cased: the
-- way from a CVE to the vendor advisories about it.
CREATE TABLE advisory_aliases (
    alias   TEXT NOT NULL COLLATE NOCASE,
    family  TEXT NOT NULL,
    id      TEXT NOT NULL COLLATE NOCASE,
    variant TEXT NOT NULL,
    PRIMARY KEY (alias, id, family, variant),
    FOREIGN KEY (id, family, variant) REFERENCES advisories (id, family, variant) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX advisory_aliases_advisory ON advisory_aliases (id, family, variant);

-- The catalog entry (source `kev`, from the JSON or the CSV catalog) and its echo in a CVE 5 ADP
-- container (`cve-5-adp`) are separate rows. revision: provenance `revision` (`catalogVersion`).
CREATE TABLE kev (
    cve         TEXT NOT NULL COLLATE NOCASE,
    source      TEXT NOT NULL,
    date_added  TEXT NOT NULL,
    due_date    TEXT,
    ransomware  TEXT NOT NULL,
    revision    TEXT,
    doc         TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (cve, source)
) STRICT;

-- The latest score per CVE; date: the file's `score_date`.
CREATE TABLE epss (
    cve           TEXT NOT NULL COLLATE NOCASE PRIMARY KEY,
    source        TEXT NOT NULL,
    score         REAL NOT NULL,
    percentile    REAL NOT NULL,
    date          TEXT NOT NULL,
    model_version TEXT,
    doc           TEXT NOT NULL,
    imported_at   TEXT NOT NULL
) STRICT;

-- SSVC decision points per CVE and role ('' when the points name none). NULL: not stated, which
-- is unknown, never `none`.
CREATE TABLE ssvc (
    cve              TEXT NOT NULL COLLATE NOCASE,
    role             TEXT NOT NULL,
    source           TEXT NOT NULL,
    exploitation     TEXT,
    automatable      INTEGER CHECK (automatable IN (0, 1)),
    technical_impact TEXT,
    timestamp        TEXT,
    revision         TEXT,
    doc              TEXT NOT NULL,
    imported_at      TEXT NOT NULL,
    PRIMARY KEY (cve, role)
) STRICT;
