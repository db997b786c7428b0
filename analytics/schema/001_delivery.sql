-- Delivery (SPEC S4, S5, O4): recording metadata and the durable outbox. Several Janus nodes
-- share this database, so every row says which node wrote it (node_id) and room_id comes first
-- (the future distribution key). Applied by storage/db/migrations.cpp inside one transaction:
-- no BEGIN/COMMIT here.

CREATE TABLE recordings (
    room_id      text        NOT NULL,
    recording_id text        PRIMARY KEY,            -- globally unique random hex
    node_id      text        NOT NULL,               -- the node that recorded it (has the file)
    title        text        NOT NULL DEFAULT '',
    owner        text        NOT NULL DEFAULT '',
    initiator    text        NOT NULL DEFAULT '',
    started_at   timestamptz NOT NULL,
    ended_at     timestamptz,
    duration_ms  bigint      CHECK (duration_ms >= 0),
    size_bytes   bigint      CHECK (size_bytes >= 0),
    sha256       text        CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    storage      text        NOT NULL CHECK (storage IN ('local', 's3')),
    location     text        NOT NULL DEFAULT '',    -- local path or S3 key
    state        text        NOT NULL CHECK (state IN ('recording', 'stored', 'uploading', 'available', 'failed')),
    gaps         int         NOT NULL DEFAULT 0 CHECK (gaps >= 0),
    gap_seconds  double precision NOT NULL DEFAULT 0 CHECK (gap_seconds >= 0),
    incomplete   text,                               -- why the recording is partial, if it is
    error        text,                               -- why delivery failed, if it did
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recordings_room ON recordings (room_id, started_at);
CREATE INDEX recordings_owner ON recordings (owner, started_at);

-- One row per upload or webhook delivery, committed before anything is tried. The life cycle
-- (pending -> running under a lease -> done, back to pending after a failure, failed for good)
-- is storage/core/outbox_job's; storage/db/outbox_store.cpp applies it to locked rows.
CREATE TABLE outbox_jobs (
    id              text        PRIMARY KEY,         -- idempotency key chosen by the caller
    room_id         text        NOT NULL,
    node_id         text        NOT NULL,            -- the node that created the job
    kind            text        NOT NULL CHECK (kind IN ('upload', 'webhook')),
    affinity_node   text,                            -- only this node may run it; NULL = any
    payload         jsonb       NOT NULL,
    progress        jsonb,                           -- an upload's upload id and parts so far
    state           text        NOT NULL DEFAULT 'pending'
                                CHECK (state IN ('pending', 'running', 'done', 'failed')),
    attempts        int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at      timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    owner           text,                            -- the node holding the lease
    last_error      text,
    completed_at    timestamptz,                     -- when it became done or failed
    -- When the job can next be claimed: a pending job once due, a running one once its lease
    -- lapsed (its node died). One column so that the claim is one ordered index scan.
    due_at          timestamptz GENERATED ALWAYS AS (
                        CASE state WHEN 'pending' THEN next_attempt_at
                                   WHEN 'running' THEN lease_until END) STORED,
    CHECK (state <> 'running' OR (lease_until IS NOT NULL AND owner IS NOT NULL))
);
CREATE INDEX outbox_jobs_due ON outbox_jobs (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX outbox_jobs_room ON outbox_jobs (room_id, created_at);
