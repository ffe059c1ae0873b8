-- Decisions (schema 6): the current SSVC decision of every open finding, and the history of every
-- change with its reasons.
--
-- `decisions` holds one row per finding as last decided: the table it was decided with, the
-- outcome, the day the finding got that outcome (`since`; deadlines count from it), the deadline,
-- and the inputs with their sources as a JSON array of {name, value, source, assumed}.
CREATE TABLE decisions (
    finding       TEXT NOT NULL PRIMARY KEY,
    asset         TEXT NOT NULL,
    site          TEXT NOT NULL,
    vulnerability TEXT NOT NULL,
    decision_table TEXT NOT NULL,
    priority      TEXT NOT NULL,
    since         TEXT NOT NULL,
    deadline      TEXT NOT NULL,
    inputs        TEXT NOT NULL,
    cisa_level    TEXT NOT NULL,
    bod_26_04     TEXT NOT NULL,
    decided_at    TEXT NOT NULL
) STRICT;

CREATE INDEX decisions_priority ON decisions (priority, deadline);
CREATE INDEX decisions_asset ON decisions (asset);

-- Append-only: a row per change of a finding's decision. `before` is NULL for a new finding,
-- `after` NULL when it left the list (closed, no longer matched). `reasons` is a JSON array of
-- sentences ("new KEV entry: …", "exposure change: controlled → small (…)").
CREATE TABLE decision_history (
    seq           INTEGER PRIMARY KEY,
    finding       TEXT NOT NULL,
    asset         TEXT NOT NULL,
    vulnerability TEXT NOT NULL,
    at            TEXT NOT NULL,
    before        TEXT,
    after         TEXT,
    deadline      TEXT,
    reasons       TEXT NOT NULL
) STRICT;

CREATE INDEX decision_history_finding ON decision_history (finding, seq);
