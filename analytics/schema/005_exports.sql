-- Exports via email (A9): a CSV report produced in the background, stored like recordings
-- (local folder or S3) and mailed as an expiring link. Both steps are durable outbox jobs:
-- 'export' (produce and store the file, then enqueue the mail in the same transaction) and
-- 'email' (send it over SMTP; an outage only delays it). Applied inside one transaction by
-- storage/db/migrations.cpp.

ALTER TABLE outbox_jobs DROP CONSTRAINT outbox_jobs_kind_check;
ALTER TABLE outbox_jobs ADD CONSTRAINT outbox_jobs_kind_check
    CHECK (kind IN ('upload', 'webhook', 'export', 'email'));

CREATE TABLE exports (
    export_id       text        PRIMARY KEY,          -- random hex; the file is <export_id>.csv
    room_id         text        NOT NULL,
    node_id         text        NOT NULL,             -- the node that took the request
    report          jsonb       NOT NULL,             -- the report request, as asked
    requested_by    text        NOT NULL DEFAULT '',  -- user id of who asked
    email           text        NOT NULL,             -- where the link goes
    state           text        NOT NULL DEFAULT 'pending'
                                CHECK (state IN ('pending', 'stored', 'sent', 'failed')),
    storage         text        CHECK (storage IN ('local', 's3')),
    location        text,                             -- local path or S3 key, once stored
    row_count       bigint      CHECK (row_count >= 0),
    link_expires_at timestamptz,                      -- when the mailed link stops working
    error           text,                             -- why it failed, if it did
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz                       -- when the mail was sent or it failed
);
CREATE INDEX exports_room ON exports (room_id, created_at);
