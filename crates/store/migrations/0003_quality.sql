-- 0003: data-quality warnings per advisory.
--
-- `warnings` is the number of data-quality notes the reader left on the stored version
-- (`Advisory.warnings`: a loose range normalised, a range left unparsed), kept by every write of
-- the row. The partial index holds only advisories with warnings, so listing them reads those
-- documents and no others, however many advisories are stored.
ALTER TABLE advisories ADD COLUMN warnings INTEGER NOT NULL DEFAULT 0 CHECK (warnings >= 0);

-- Advisories stored before this migration: count from the stored documents.
UPDATE advisories SET warnings = json_array_length(doc, '$.warnings')
    WHERE json_type(doc, '$.warnings') = 'array' AND json_array_length(doc, '$.warnings') > 0;

CREATE INDEX advisories_warnings ON advisories (source, id, variant) WHERE warnings > 0;
