-- Notices of finished recordings (issue 14). A session that ends together with its recording
-- (the host closes it, the host-leave timeout, the session cap) has nobody left in the room to
-- hear `available`: the recordings library shows the owner and the initiator every stored or
-- failed recording of theirs until they dismiss its notice. One row per dismissed notice.
-- Applied inside one transaction by storage/db/migrations.cpp.

CREATE TABLE recording_notices_dismissed (
    recording_id text        NOT NULL REFERENCES recordings (recording_id) ON DELETE CASCADE,
    user_id      text        NOT NULL,
    dismissed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (recording_id, user_id)
);

-- The notices of a user are found by owner (recordings_owner) or by initiator.
CREATE INDEX recordings_initiator ON recordings (initiator, started_at);
