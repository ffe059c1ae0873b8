-- Exposure (schema 5): observed network flows, for the governance check "ungoverned
-- connectivity". One row per (source address, destination address, protocol, port) and the file
-- it was seen in; re-importing the same file replaces its rows with the same values.
CREATE TABLE flows (
    src        TEXT NOT NULL,
    dst        TEXT NOT NULL,
    protocol   TEXT NOT NULL,
    port       INTEGER NOT NULL,
    source     TEXT NOT NULL,
    first_seen TEXT,
    last_seen  TEXT,
    count      INTEGER NOT NULL,
    PRIMARY KEY (src, dst, protocol, port, source)
) STRICT, WITHOUT ROWID;
