-- The files stored beside a recording's composite (isolated tracks and their manifest, issue
-- 14): where each one is, as `location` says where the composite is (a path below the recordings
-- root, or the S3 key once uploaded). A library deletion removes them with the composite.
-- Applied inside one transaction by storage/db/migrations.cpp.

ALTER TABLE recordings ADD COLUMN files jsonb NOT NULL DEFAULT '[]'::jsonb
    CHECK (jsonb_typeof(files) = 'array');
