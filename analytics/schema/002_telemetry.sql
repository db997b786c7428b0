-- Engagement telemetry (SPEC E1–E7, issue 5): an append-only raw table written with COPY by
-- the telemetry writer (analytics/telemetry/), a ledger of the batches written (exactly once),
-- and per-minute rollups for the dashboard. Applied by storage/db/migrations.cpp inside one
-- transaction: no BEGIN/COMMIT here.
--
-- Fast COPY matters more than ad hoc lookups: the raw table has only BRIN indexes (almost free
-- to maintain; a B-tree cuts COPY about 4x). Reports read telemetry_minute, or scan a few
-- daily partitions.

-- One row per event. kind is one of the names in analytics/core/telemetry_event.hpp (the only
-- list: the writer refuses anything else before COPY). Empty optional ids are NULL.
CREATE TABLE telemetry_events (
    room_id        text        NOT NULL,   -- first: the future distribution key
    node_id        text        NOT NULL,   -- the Janus node that recorded the event
    at             timestamptz NOT NULL,   -- when it happened (partition key)
    session_id     text        NOT NULL,   -- the room session ('' when none)
    kind           text        NOT NULL,
    participant_id text,
    user_id        text,                   -- NULL for guests; erase_user() goes by this
    subject_id     text,                   -- what the event is about: poll, message, recording...
    value          bigint      NOT NULL DEFAULT 0, -- kind-specific: seconds watched, answer index...
    body           jsonb                   -- kind-specific details (one JSON object)
) PARTITION BY RANGE (at);

-- Daily partitions telemetry_events_pYYYYMMDD (UTC days) are created ahead of time and on
-- demand by the writer through telemetry_ensure_partition(); rows for a day without one land
-- here (a safety net, normally empty) and move to their partition when it is created.
CREATE TABLE telemetry_events_default PARTITION OF telemetry_events DEFAULT;

-- Partitions inherit these. BRIN on time: rows arrive roughly in time order.
CREATE INDEX telemetry_events_at ON telemetry_events USING brin (at);

-- One row per batch committed, in the same transaction as the batch's rows: a batch replayed
-- from a spool whose id is here was written already (exactly once across crashes).
CREATE TABLE telemetry_batches (
    batch_id   text        PRIMARY KEY,    -- node id / start-up nonce / sequence
    node_id    text        NOT NULL,
    rows       int         NOT NULL CHECK (rows >= 0),
    first_at   timestamptz,
    last_at    timestamptz,
    written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX telemetry_batches_written ON telemetry_batches (written_at);

-- Per room session, minute (UTC) and kind: how many events and how many distinct people
-- (user id, or participant id for guests). Recomputed from the raw rows by
-- telemetry_refresh_minutes(), which the writer calls for the minutes it wrote (every few
-- seconds) and erase_user() for the minutes it touched; anyone may call it too.
CREATE TABLE telemetry_minute (
    room_id    text        NOT NULL,
    session_id text        NOT NULL,
    minute     timestamptz NOT NULL,
    kind       text        NOT NULL,
    events     bigint      NOT NULL,
    users      bigint      NOT NULL,
    PRIMARY KEY (room_id, session_id, minute, kind)
);
CREATE INDEX telemetry_minute_minute ON telemetry_minute (minute);

-- Creates the partition of one UTC day if missing; true when it created it. Rows of that day
-- already in the default partition move into it. Nodes may call it at the same time: an
-- advisory lock makes them take turns.
CREATE FUNCTION telemetry_ensure_partition(day date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    name  text        := 'telemetry_events_p' || to_char(day, 'YYYYMMDD');
    low   timestamptz := day::timestamp AT TIME ZONE 'UTC';
    high  timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
    PERFORM pg_advisory_xact_lock(7237955749785134401);
    IF to_regclass(quote_ident(name)) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE telemetry_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
    EXECUTE format('WITH moved AS (DELETE FROM telemetry_events_default WHERE at >= $1 AND at < $2 RETURNING *) '
                   'INSERT INTO %I SELECT * FROM moved', name) USING low, high;
    EXECUTE format('ALTER TABLE telemetry_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, low, high);
    RETURN true;
END $$;

-- Drops the daily partitions that end on or before `cutoff` and deletes older rows from the
-- default partition, the minute rollups and the ledger (retention, SPEC E7). Returns the
-- number of partitions dropped.
CREATE FUNCTION telemetry_drop_before(cutoff date, OUT partitions int, OUT default_rows bigint,
                                      OUT minute_rows bigint, OUT ledger_rows bigint)
LANGUAGE plpgsql AS $$
DECLARE
    part record;
    edge timestamptz := cutoff::timestamp AT TIME ZONE 'UTC';
BEGIN
    PERFORM pg_advisory_xact_lock(7237955749785134401);
    partitions := 0;
    FOR part IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'telemetry_events'::regclass AND c.relname ~ '^telemetry_events_p[0-9]{8}$'
          AND to_date(substr(c.relname, 19), 'YYYYMMDD') < cutoff
    LOOP
        EXECUTE format('DROP TABLE %I', part.relname);
        partitions := partitions + 1;
    END LOOP;
    DELETE FROM telemetry_events_default WHERE at < edge;
    GET DIAGNOSTICS default_rows = ROW_COUNT;
    DELETE FROM telemetry_minute WHERE minute < edge;
    GET DIAGNOSTICS minute_rows = ROW_COUNT;
    DELETE FROM telemetry_batches WHERE written_at < edge;
    GET DIAGNOSTICS ledger_rows = ROW_COUNT;
END $$;

-- Recomputes the rollups of the minutes in [low, high) (widened to whole minutes) from the raw
-- rows; groups that no longer have rows disappear. Returns the number of rollup rows written.
CREATE FUNCTION telemetry_refresh_minutes(low timestamptz, high timestamptz) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    written bigint;
BEGIN
    -- One refresh at a time: two refreshes of the same minute would both insert it.
    PERFORM pg_advisory_xact_lock(7237955749785134402);
    low := date_trunc('minute', low, 'UTC');
    IF high > date_trunc('minute', high, 'UTC') THEN
        high := date_trunc('minute', high, 'UTC') + interval '1 minute';
    END IF;
    DELETE FROM telemetry_minute WHERE minute >= low AND minute < high;
    INSERT INTO telemetry_minute (room_id, session_id, minute, kind, events, users)
        SELECT room_id, session_id, date_trunc('minute', at, 'UTC'), kind, count(*),
               count(DISTINCT coalesce(user_id, participant_id))
        FROM telemetry_events WHERE at >= low AND at < high
        GROUP BY 1, 2, 3, 4;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END $$;

-- Right to erasure: deletes every raw row of one user and recomputes the minutes they were in
-- (the rollups hold counts, no ids). Returns how many rows went and how many minutes changed.
CREATE FUNCTION telemetry_erase_user(erased text, OUT events bigint, OUT minutes bigint)
LANGUAGE plpgsql AS $$
DECLARE
    touched timestamptz[];
    minute  timestamptz;
BEGIN
    WITH gone AS (DELETE FROM telemetry_events WHERE user_id = erased RETURNING date_trunc('minute', at, 'UTC') AS m)
    SELECT count(*), coalesce(array_agg(DISTINCT m), '{}') INTO events, touched FROM gone;
    minutes := 0;
    FOREACH minute IN ARRAY touched LOOP
        PERFORM telemetry_refresh_minutes(minute, minute + interval '1 minute');
        minutes := minutes + 1;
    END LOOP;
END $$;
