-- 0001: the plant model.
--
-- Every record keeps its full model value as compact JSON in `doc`; that is what `plant()` and
-- `asset()` read back. The other columns and the child tables repeat the fields later stages query
-- by (zone, kind, address, component name, CPE, port) so they never have to parse JSON in SQL.
-- Columns hold the canonical lower-case spellings of the model's value sets.

CREATE TABLE sites (
    id   TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    doc  TEXT NOT NULL
) STRICT;

CREATE TABLE zones (
    id     TEXT NOT NULL PRIMARY KEY,
    site   TEXT NOT NULL REFERENCES sites (id),
    name   TEXT NOT NULL,
    purdue TEXT NOT NULL,
    doc    TEXT NOT NULL
) STRICT;
CREATE INDEX zones_site ON zones (site);

CREATE TABLE zone_subnets (
    zone_id TEXT NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    ord     INTEGER NOT NULL,
    cidr    TEXT NOT NULL,
    PRIMARY KEY (zone_id, ord)
) STRICT, WITHOUT ROWID;
CREATE INDEX zone_subnets_cidr ON zone_subnets (cidr);

CREATE TABLE conduits (
    id     TEXT NOT NULL PRIMARY KEY,
    zone_a TEXT NOT NULL REFERENCES zones (id),
    zone_b TEXT NOT NULL REFERENCES zones (id),
    doc    TEXT NOT NULL
) STRICT;
CREATE INDEX conduits_zone_a ON conduits (zone_a);
CREATE INDEX conduits_zone_b ON conduits (zone_b);

CREATE TABLE entry_points (
    id   TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    doc  TEXT NOT NULL
) STRICT;

-- The site of an asset is its zone's site: join with `zones`, it is not repeated here.
CREATE TABLE assets (
    id             TEXT NOT NULL PRIMARY KEY,
    name           TEXT NOT NULL,
    zone           TEXT NOT NULL REFERENCES zones (id),
    kind           TEXT NOT NULL,
    vendor         TEXT,
    product        TEXT,
    model          TEXT,
    firmware       TEXT,
    owner          TEXT,
    mission_impact TEXT,
    safety_impact  TEXT,
    redundancy_group TEXT,
    origin         TEXT NOT NULL,
    doc            TEXT NOT NULL
) STRICT;
CREATE INDEX assets_zone ON assets (zone);
CREATE INDEX assets_redundancy_group ON assets (redundancy_group) WHERE redundancy_group IS NOT NULL;

-- Child tables keep the model's list order in `ord`; their primary key starts with the asset id,
-- so one ordered scan yields every asset's rows together.
CREATE TABLE asset_addresses (
    asset_id TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    ord      INTEGER NOT NULL,
    ip       TEXT NOT NULL,
    PRIMARY KEY (asset_id, ord)
) STRICT, WITHOUT ROWID;
CREATE INDEX asset_addresses_ip ON asset_addresses (ip);

CREATE TABLE asset_components (
    asset_id TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    ord      INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    vendor   TEXT,
    name     TEXT NOT NULL,
    version  TEXT,
    cpe      TEXT,
    purl     TEXT,
    PRIMARY KEY (asset_id, ord)
) STRICT, WITHOUT ROWID;
CREATE INDEX asset_components_name ON asset_components (name);
CREATE INDEX asset_components_cpe ON asset_components (cpe) WHERE cpe IS NOT NULL;

CREATE TABLE asset_services (
    asset_id TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    ord      INTEGER NOT NULL,
    protocol TEXT NOT NULL,
    port     INTEGER NOT NULL,
    name     TEXT,
    PRIMARY KEY (asset_id, ord)
) STRICT, WITHOUT ROWID;
CREATE INDEX asset_services_port ON asset_services (port, protocol);

-- `depends_on` is deliberately not a foreign key: a CSV asset may name a plant asset that a later
-- plant import removes, and that must not block the import.
CREATE TABLE asset_dependencies (
    asset_id   TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    ord        INTEGER NOT NULL,
    depends_on TEXT NOT NULL,
    PRIMARY KEY (asset_id, ord)
) STRICT, WITHOUT ROWID;
CREATE INDEX asset_dependencies_depends_on ON asset_dependencies (depends_on);

-- One row per import, even one that changed nothing: the log answers "when was this last checked".
CREATE TABLE imports (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL,
    path    TEXT NOT NULL,
    digest  TEXT,
    at      TEXT NOT NULL,
    added   INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    removed INTEGER NOT NULL
) STRICT;
