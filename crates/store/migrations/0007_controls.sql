-- Controls (schema 7): compensating controls as data. One row per control with its full model
-- value as JSON in `doc`; `kind`, `owner` and `expires` repeat what listings sort and filter by.
CREATE TABLE controls (
    id      TEXT NOT NULL PRIMARY KEY,
    kind    TEXT NOT NULL,
    owner   TEXT NOT NULL,
    expires TEXT,
    doc     TEXT NOT NULL
) STRICT;
