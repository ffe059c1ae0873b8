-- Windows and vendor statements (schema 9): maintenance windows (changed only with an audit
-- entry, like users and workflow records) and the vendors' patch qualification statements
-- imported from CSV (logged as imports).
CREATE TABLE windows (
    id    TEXT NOT NULL PRIMARY KEY,
    site  TEXT NOT NULL,
    start TEXT NOT NULL,
    doc   TEXT NOT NULL
) STRICT;

CREATE TABLE certifications (
    vendor  TEXT NOT NULL,
    product TEXT NOT NULL,
    patch   TEXT NOT NULL,
    source  TEXT NOT NULL,
    status  TEXT NOT NULL,
    date    TEXT,
    PRIMARY KEY (vendor, product, patch, source)
) STRICT, WITHOUT ROWID;
