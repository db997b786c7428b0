-- The recordings library (SPEC S6): recordings shared with named users and by expiring links,
-- renamed and deleted by their owner. A deleted recording keeps its row (state 'deleted', for
-- the reports that count its plays) while a 'delete' outbox job removes its file or object.
-- Applied inside one transaction by storage/db/migrations.cpp.

ALTER TABLE recordings DROP CONSTRAINT recordings_state_check;
ALTER TABLE recordings ADD CONSTRAINT recordings_state_check
    CHECK (state IN ('recording', 'stored', 'uploading', 'available', 'failed', 'deleted'));
ALTER TABLE recordings ADD COLUMN deleted_at timestamptz;

ALTER TABLE outbox_jobs DROP CONSTRAINT outbox_jobs_kind_check;
ALTER TABLE outbox_jobs ADD CONSTRAINT outbox_jobs_kind_check
    CHECK (kind IN ('upload', 'webhook', 'export', 'email', 'delete'));

-- One row per user a recording is shared with.
CREATE TABLE recording_shares (
    room_id      text        NOT NULL,
    recording_id text        NOT NULL REFERENCES recordings (recording_id) ON DELETE CASCADE,
    user_id      text        NOT NULL,
    node_id      text        NOT NULL,               -- the node that took the request
    shared_by    text        NOT NULL DEFAULT '',    -- user id ('' for an operator)
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (recording_id, user_id)
);
CREATE INDEX recording_shares_user ON recording_shares (user_id);

-- Share links: whoever holds the token may watch the recording until expires_at (or until
-- revoked). Only the token's SHA-256 is stored; link_id names the link for listing and revoking.
CREATE TABLE recording_links (
    room_id      text        NOT NULL,
    link_id      text        PRIMARY KEY,            -- random hex, shown to the owner
    recording_id text        NOT NULL REFERENCES recordings (recording_id) ON DELETE CASCADE,
    node_id      text        NOT NULL,
    token_sha256 text        NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
    created_by   text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX recording_links_recording ON recording_links (recording_id);
