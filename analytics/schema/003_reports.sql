-- Dashboard reports (A1-A6, A3b): two rollups kept by the minute-rollup thread and one SQL
-- function per report returning its JSON. Definitions: docs/ANALYTICS.md (the only place they
-- are written in words). No BEGIN/COMMIT: the migration runs in one transaction.
--
-- Why rollups: the raw table has only BRIN on time (fast COPY), so one session's rows cost a
-- scan of its whole time range; a 1,000-person 4 h session is 1.44 M heartbeats. The reports
-- read instead
--   report_events           every row except heartbeats, B-tree by (room, session, kind)
--   report_heartbeat_minute heartbeats per (room, session, participant, minute): count,
--                           engaged count, last heartbeat
-- Both are recomputed for a window of minutes by telemetry_refresh_minutes() (replaced below),
-- which the minute-rollup thread calls after each closed minute, and which erasure and
-- retention already go through.

CREATE TABLE report_events (
    room_id        text        NOT NULL,
    session_id     text        NOT NULL,
    at             timestamptz NOT NULL,
    kind           text        NOT NULL,
    participant_id text,
    user_key       text,                   -- coalesce(user_id, participant_id)
    subject_id     text,
    value          bigint      NOT NULL,
    body           jsonb,
    node_id        text        NOT NULL
);
CREATE INDEX report_events_session ON report_events (room_id, session_id, kind, at);
CREATE INDEX report_events_subject ON report_events (room_id, kind, subject_id);
CREATE INDEX report_events_at ON report_events (at);

CREATE TABLE report_heartbeat_minute (
    room_id        text        NOT NULL,
    session_id     text        NOT NULL,
    participant_id text        NOT NULL,
    minute         timestamptz NOT NULL,
    user_key       text        NOT NULL,
    heartbeats     int         NOT NULL,
    engaged        int         NOT NULL,   -- heartbeats with value & 27 <> 0 (E2 room rule)
    last_at        timestamptz NOT NULL,
    -- Covering: the reports read this table by index-only scans (a 1,000-person 4 h session
    -- is 240,000 rows, scattered among other rooms' minutes).
    PRIMARY KEY (room_id, session_id, participant_id, minute) INCLUDE (user_key, heartbeats, engaged, last_at)
);
CREATE INDEX report_heartbeat_minute_minute ON report_heartbeat_minute (minute);

-- Per participant of a session, all its minutes summed: the overview and the attendee table read
-- 1,000 rows here instead of 240,000 minute rows. Kept exact by the refresh: the window's old
-- minute rows are subtracted, the new ones added (serialized by the refresh's lock).
CREATE TABLE report_heartbeat_total (
    room_id        text   NOT NULL,
    session_id     text   NOT NULL,
    participant_id text   NOT NULL,
    user_key       text   NOT NULL,
    heartbeats     bigint NOT NULL,
    engaged        bigint NOT NULL,
    last_at        timestamptz,            -- the participant's last heartbeat (NULL: none left)
    PRIMARY KEY (room_id, session_id, participant_id)
);

-- Per participant of a session, its stint's marks: first join, last leave, the join's body (who
-- it is). Every report that needs presence reads these rows (one per seat) instead of the join
-- and leave rows; a month of sessions for the custom CSV reports is a range of joined_at.
-- Recomputed by the refresh for every participant with a join or leave row in its window.
CREATE TABLE report_participants (
    room_id        text        NOT NULL,
    session_id     text        NOT NULL,
    participant_id text        NOT NULL,
    user_key       text        NOT NULL,
    joined_at      timestamptz NOT NULL,
    left_at        timestamptz,
    body           jsonb       NOT NULL,
    PRIMARY KEY (room_id, session_id, participant_id)
);
CREATE INDEX report_participants_joined ON report_participants (joined_at);
-- A participant's join and leave rows, for that recomputation.
CREATE INDEX report_events_seat ON report_events (room_id, session_id, participant_id, at)
    WHERE kind IN ('join', 'leave');

-- Per attendee of each session: report_attendance's figures and the session's facts
-- (report_session_facts), made again for every session the refresh touched once it is quiet,
-- or by report_attendees_settle() (below) before a custom report reads them.
-- The custom CSV reports read a month of these rows (one per user and session) instead of
-- computing them; the dashboard computes its one session live, with the same functions.
CREATE TABLE report_attendees (
    room_id            text             NOT NULL,
    session_id         text             NOT NULL,
    user_key           text             NOT NULL,
    body               jsonb            NOT NULL,
    first_at           timestamptz      NOT NULL,
    last_at            timestamptz      NOT NULL,
    seconds            double precision NOT NULL,
    reactions          bigint           NOT NULL,
    chat_messages      bigint           NOT NULL,
    raised_hands       bigint           NOT NULL,
    polls_answered     bigint           NOT NULL,
    qa_threads         bigint           NOT NULL,
    downloads          bigint           NOT NULL,
    heartbeats         bigint           NOT NULL,
    engaged            bigint           NOT NULL,
    session_started_at timestamptz      NOT NULL,
    session_ended_at   timestamptz      NOT NULL,
    title              text,
    parent             text,
    host               text,
    opened_by          text,
    PRIMARY KEY (room_id, session_id, user_key)
);
CREATE INDEX report_attendees_started ON report_attendees (session_started_at);

-- Per session and minute, all participants summed (the timeline).
CREATE TABLE report_minute_total (
    room_id    text        NOT NULL,
    session_id text        NOT NULL,
    minute     timestamptz NOT NULL,
    heartbeats bigint      NOT NULL,
    engaged    bigint      NOT NULL,
    PRIMARY KEY (room_id, session_id, minute)
);
CREATE INDEX report_minute_total_minute ON report_minute_total (minute);

-- Sessions whose report_attendees rows lag their telemetry, with the span of the refresh
-- windows that touched them (each session lies whole within 73 h of any of them).
CREATE TABLE report_attendees_stale (
    room_id    text        NOT NULL,
    session_id text        NOT NULL,
    touched_from timestamptz NOT NULL,
    touched_to   timestamptz NOT NULL,
    PRIMARY KEY (room_id, session_id)
);

-- Makes the report_attendees rows of these sessions again, whole, from 003's definitions. The
-- caller holds the refresh lock. [low, high) spans the windows that touched them.
CREATE FUNCTION report_attendees_rebuild(rooms text[], sessions text[], low timestamptz, high timestamptz)
RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    pick_rooms text[];
    pick_sessions text[];
    pick_low timestamptz;
    pick_high timestamptz;
BEGIN
    IF rooms IS NULL THEN
        RETURN;
    END IF;
    DELETE FROM report_attendees a USING unnest(rooms, sessions) AS t(room_id, session_id)
    WHERE a.room_id = t.room_id AND a.session_id = t.session_id;
    -- A few sessions (the minute thread): selected by id, whole. Many (a backfill): every
    -- session with rows within 73 h of the windows (a session lasts at most 72 h, so each one
    -- is whole in that range) in one pass, since two id lists would be probed as their cross
    -- product; the join keeps the asked ones.
    IF cardinality(rooms) > 20 THEN
        pick_rooms := '{}';
        pick_sessions := '{}';
        pick_low := low - interval '73 hours';
        pick_high := high + interval '73 hours';
    ELSE
        pick_rooms := rooms;
        pick_sessions := sessions;
        pick_low := '-infinity';
        pick_high := 'infinity';
    END IF;
    INSERT INTO report_attendees
        SELECT a.room_id, a.session_id, a.user_key, a.body, a.first_at, a.last_at, a.seconds, a.reactions,
               a.chat_messages, a.raised_hands, a.polls_answered, a.qa_threads, a.downloads, a.heartbeats,
               a.engaged, a.session_started_at, a.session_ended_at, f.title, f.parent, f.host, f.opened_by
        FROM report_attendance(pick_rooms, pick_sessions, pick_low, pick_high) a
        JOIN report_session_facts(pick_rooms, pick_sessions, pick_low, pick_high) f USING (room_id, session_id)
        JOIN unnest(rooms, sessions) AS t(room_id, session_id) USING (room_id, session_id)
    ON CONFLICT (room_id, session_id, user_key) DO NOTHING;
END $$;

-- Brings every stale session's report_attendees rows up to date (the custom CSV reports call
-- it before they read; the live sessions are the usual ones). Returns how many sessions.
CREATE FUNCTION report_attendees_settle() RETURNS bigint
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    rooms text[];
    sessions text[];
    low timestamptz;
    high timestamptz;
BEGIN
    PERFORM pg_advisory_xact_lock(7237955749785134402);
    WITH settled AS (DELETE FROM report_attendees_stale RETURNING *)
    SELECT array_agg(room_id), array_agg(session_id), min(touched_from), max(touched_to)
    INTO rooms, sessions, low, high FROM settled;
    PERFORM report_attendees_rebuild(rooms, sessions, low, high);
    RETURN coalesce(cardinality(rooms), 0);
END $$;

-- The rollups of 002 plus the report rollups, for the minutes in [low, high).
-- Custom plans always: PL/pgSQL caches each statement's plan per connection and, from the sixth
-- call on, may keep a generic plan made without knowing the window; the minute-rollup thread
-- calls this every minute on one connection, and the generic plans for a day's window took
-- 197 s instead of 10 s (docs/PERFORMANCE.md). Planning costs a few milliseconds per call.
CREATE OR REPLACE FUNCTION telemetry_refresh_minutes(low timestamptz, high timestamptz) RETURNS bigint
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    written bigint;
    seat_rooms text[];
    seat_sessions text[];
    seat_ids text[];
    touched_rooms text[];
    touched_sessions text[];
    active_rooms text[];
    active_sessions text[];
    quiet_low timestamptz;
    quiet_high timestamptz;
BEGIN
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
    -- The sessions the window held rows of, before (here) and after (below): their attendees
    -- are made again.
    SELECT array_agg(room_id), array_agg(session_id) INTO touched_rooms, touched_sessions
    FROM (SELECT room_id, session_id FROM report_events WHERE at >= low AND at < high AND session_id <> ''
          UNION
          SELECT room_id, session_id FROM report_heartbeat_minute
          WHERE minute >= low AND minute < high AND session_id <> '') x;
    -- The seats whose marks the window held, before and after: their report_participants rows
    -- are made again from all their join and leave rows.
    SELECT array_agg(room_id), array_agg(session_id), array_agg(participant_id)
    INTO seat_rooms, seat_sessions, seat_ids
    FROM (SELECT DISTINCT room_id, session_id, participant_id FROM report_events
          WHERE at >= low AND at < high AND kind IN ('join', 'leave') AND participant_id IS NOT NULL) x;
    DELETE FROM report_events WHERE at >= low AND at < high;
    INSERT INTO report_events (room_id, session_id, at, kind, participant_id, user_key, subject_id, value, body, node_id)
        SELECT room_id, session_id, at, kind, participant_id, coalesce(user_id, participant_id), subject_id, value,
               body, node_id
        FROM telemetry_events WHERE at >= low AND at < high AND kind <> 'heartbeat'
        ORDER BY room_id, session_id, at;
    WITH seats AS (
        SELECT * FROM unnest(seat_rooms, seat_sessions, seat_ids) AS g(room_id, session_id, participant_id)
        UNION
        SELECT room_id, session_id, participant_id FROM report_events
        WHERE at >= low AND at < high AND kind IN ('join', 'leave') AND participant_id IS NOT NULL),
    marks AS (
        SELECT s.room_id, s.session_id, s.participant_id,
               min(e.user_key) FILTER (WHERE e.kind = 'join') AS user_key,
               min(e.at) FILTER (WHERE e.kind = 'join') AS joined_at,
               max(e.at) FILTER (WHERE e.kind = 'leave') AS left_at,
               (array_agg(coalesce(e.body, '{}'::jsonb) ORDER BY e.at DESC) FILTER (WHERE e.kind = 'join'))[1] AS body
        FROM seats s LEFT JOIN report_events e
          ON e.room_id = s.room_id AND e.session_id = s.session_id AND e.participant_id = s.participant_id
         AND e.kind IN ('join', 'leave')
        GROUP BY 1, 2, 3),
    gone AS (
        DELETE FROM report_participants p USING marks m
        WHERE m.joined_at IS NULL AND p.room_id = m.room_id AND p.session_id = m.session_id
          AND p.participant_id = m.participant_id)
    INSERT INTO report_participants AS p (room_id, session_id, participant_id, user_key, joined_at, left_at, body)
        SELECT room_id, session_id, participant_id, user_key, joined_at, left_at, body FROM marks
        WHERE joined_at IS NOT NULL
    ON CONFLICT (room_id, session_id, participant_id) DO UPDATE
        SET user_key = EXCLUDED.user_key, joined_at = EXCLUDED.joined_at, left_at = EXCLUDED.left_at,
            body = EXCLUDED.body;
    -- The last heartbeat outside the window: the latest minute row before or after it (a minute
    -- row's last_at lies in its minute), two primary-key probes.
    UPDATE report_heartbeat_total t SET heartbeats = t.heartbeats - o.heartbeats, engaged = t.engaged - o.engaged,
        last_at = coalesce(
            (SELECT m.last_at FROM report_heartbeat_minute m
             WHERE m.room_id = t.room_id AND m.session_id = t.session_id AND m.participant_id = t.participant_id
               AND m.minute >= high ORDER BY m.minute DESC LIMIT 1),
            (SELECT m.last_at FROM report_heartbeat_minute m
             WHERE m.room_id = t.room_id AND m.session_id = t.session_id AND m.participant_id = t.participant_id
               AND m.minute < low ORDER BY m.minute DESC LIMIT 1))
    FROM (SELECT room_id, session_id, participant_id, sum(heartbeats) AS heartbeats, sum(engaged) AS engaged
          FROM report_heartbeat_minute WHERE minute >= low AND minute < high GROUP BY 1, 2, 3) o
    WHERE t.room_id = o.room_id AND t.session_id = o.session_id AND t.participant_id = o.participant_id;
    DELETE FROM report_heartbeat_minute WHERE minute >= low AND minute < high;
    INSERT INTO report_heartbeat_minute (room_id, session_id, participant_id, minute, user_key, heartbeats, engaged, last_at)
        SELECT room_id, session_id, participant_id, date_trunc('minute', at, 'UTC'),
               min(coalesce(user_id, participant_id)), count(*), count(*) FILTER (WHERE value & 27 <> 0), max(at)
        FROM telemetry_events
        WHERE at >= low AND at < high AND kind = 'heartbeat' AND participant_id IS NOT NULL
        GROUP BY room_id, session_id, participant_id, date_trunc('minute', at, 'UTC')
        ORDER BY room_id, session_id, participant_id, 4;
    INSERT INTO report_heartbeat_total AS t (room_id, session_id, participant_id, user_key, heartbeats, engaged, last_at)
        SELECT room_id, session_id, participant_id, min(user_key), sum(heartbeats), sum(engaged), max(last_at)
        FROM report_heartbeat_minute WHERE minute >= low AND minute < high GROUP BY 1, 2, 3
    ON CONFLICT (room_id, session_id, participant_id) DO UPDATE
        SET heartbeats = t.heartbeats + EXCLUDED.heartbeats, engaged = t.engaged + EXCLUDED.engaged,
            last_at = greatest(t.last_at, EXCLUDED.last_at);
    DELETE FROM report_minute_total WHERE minute >= low AND minute < high;
    INSERT INTO report_minute_total (room_id, session_id, minute, heartbeats, engaged)
        SELECT room_id, session_id, minute, sum(heartbeats), sum(engaged)
        FROM report_heartbeat_minute WHERE minute >= low AND minute < high GROUP BY 1, 2, 3;
    -- The sessions with rows in the window now.
    SELECT array_agg(room_id), array_agg(session_id) INTO active_rooms, active_sessions
    FROM (SELECT room_id, session_id FROM report_events WHERE at >= low AND at < high AND session_id <> ''
          UNION
          SELECT room_id, session_id FROM report_heartbeat_minute
          WHERE minute >= low AND minute < high AND session_id <> '') x;
    -- Every session the window touched (before or after) has stale attendee rows; they are made
    -- again once the session has been quiet for 5 minutes (no rows in the windows refreshed
    -- since: it ended), or by report_attendees_settle() before a custom report reads them.
    -- Remaking a live 1,000-person session's rows every minute cost the minute thread about a
    -- second per session; a room with a few people between events would be remade every other
    -- minute without the 5 minutes.
    INSERT INTO report_attendees_stale AS st (room_id, session_id, touched_from, touched_to)
        SELECT room_id, session_id, low, high FROM unnest(touched_rooms, touched_sessions) AS g(room_id, session_id)
        UNION
        SELECT room_id, session_id, low, high FROM unnest(active_rooms, active_sessions) AS g(room_id, session_id)
    ON CONFLICT (room_id, session_id) DO UPDATE
        SET touched_from = least(st.touched_from, EXCLUDED.touched_from),
            touched_to = greatest(st.touched_to, EXCLUDED.touched_to);
    WITH quiet AS (
        DELETE FROM report_attendees_stale st WHERE st.touched_to <= low - interval '5 minutes'
        RETURNING st.room_id, st.session_id, st.touched_from, st.touched_to)
    SELECT array_agg(room_id), array_agg(session_id), min(touched_from), max(touched_to)
    INTO touched_rooms, touched_sessions, quiet_low, quiet_high FROM quiet;
    PERFORM report_attendees_rebuild(touched_rooms, touched_sessions, quiet_low, quiet_high);
    RETURN written;
END $$;

-- Retention drops the report rollups with the raw rows (same signature as in 002).
CREATE OR REPLACE FUNCTION telemetry_drop_before(cutoff date, OUT partitions int, OUT default_rows bigint,
                                                 OUT minute_rows bigint, OUT ledger_rows bigint)
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
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
    DELETE FROM report_events WHERE at < edge;
    DELETE FROM report_participants WHERE joined_at < edge;
    DELETE FROM report_attendees WHERE session_started_at < edge;
    DELETE FROM report_attendees_stale WHERE touched_to <= edge;
    DELETE FROM report_heartbeat_minute WHERE minute < edge;
    DELETE FROM report_minute_total WHERE minute < edge;
    DELETE FROM report_heartbeat_total t WHERE NOT EXISTS (
        SELECT 1 FROM report_heartbeat_minute m
        WHERE m.room_id = t.room_id AND m.session_id = t.session_id AND m.participant_id = t.participant_id);
END $$;

-- ---------------------------------------------------------------------------------------------
-- Helpers

-- ISO 8601 UTC with milliseconds, whatever the connection's TimeZone.
CREATE FUNCTION report_ts(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- Case- and accent-insensitive form of a name for search (no extension needed).
CREATE FUNCTION report_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    -- lower() leaves non-ASCII letters alone under the C locale: both cases are listed.
    SELECT translate(lower(coalesce(t, '')),
        'àáâãäåāăąçćčďèéêëēėęěìíîïīįłñńňòóôõöøōőřśšşťùúûüūůűųýÿžźżÀÁÂÃÄÅĀĂĄÇĆČĎÈÉÊËĒĖĘĚÌÍÎÏĪĮŁÑŃŇÒÓÔÕÖØŌŐŘŚŠŞŤÙÚÛÜŪŮŰŲÝŸŽŹŻ',
        'aaaaaaaaacccdeeeeeeeeiiiiiilnnnooooooorssstuuuuuuuuyyzzzaaaaaaaaacccdeeeeeeeeiiiiiilnnnooooooorssstuuuuuuuuyyzzz')
$$;

CREATE FUNCTION report_round(x numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$ SELECT round(x, 1) $$;

CREATE FUNCTION report_users_percent(users bigint, total bigint) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN total = 0 THEN 0 ELSE report_round(least(100.0, 100.0 * users / total)) END
$$;

-- The session a report is about: the given one, or the room's latest when s is ''. Raises
-- RR445 (no such room) / RR463 (no such session), which ReportQueries maps to error codes.
CREATE FUNCTION report_resolve_session(r text, s text) RETURNS text
-- Custom plans always: a generic plan (plpgsql's choice after five calls) cannot see which
-- session it reads and was measured 3-4x slower.
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    found text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM report_events WHERE room_id = r) THEN
        RAISE EXCEPTION 'no telemetry for room %', r USING ERRCODE = 'RR445';
    END IF;
    IF s <> '' THEN
        IF NOT EXISTS (SELECT 1 FROM report_events WHERE room_id = r AND session_id = s AND kind = 'join') THEN
            RAISE EXCEPTION 'room % has no session %', r, s USING ERRCODE = 'RR463';
        END IF;
        RETURN s;
    END IF;
    SELECT session_id INTO found FROM report_events
    WHERE room_id = r AND session_id <> '' AND kind = 'join' ORDER BY at DESC LIMIT 1;
    IF found IS NULL THEN
        RAISE EXCEPTION 'room % has no session', r USING ERRCODE = 'RR463';
    END IF;
    RETURN found;
END $$;

-- The figures below are defined once, over a SELECTION of sessions: the rows of report_events
-- with room_id in rooms, session_id in sessions (an empty array: any) and at in [low, high).
-- The dashboard selects one session ({r}, {s}, -infinity, infinity: report_presence and the
-- other one-session wrappers); the custom CSV reports (004) select a date range's sessions.
-- Called with constants (plpgsql custom plans, or the CSV report's bound parameters), the
-- empty-array tests fold away and the selection is an index range.

-- Presence of each participant (join -> leave, else last heartbeat + 25 s, else join + 25 s; a
-- leave stamped before the join is ignored like a missing one). One stint per participant id:
-- the plugin draws a new one for every join. With the participant's heartbeat totals.
CREATE FUNCTION report_stints(rooms text[], sessions text[], low timestamptz, high timestamptz)
RETURNS TABLE (room_id text, session_id text, participant_id text, user_key text, start_at timestamptz,
               end_at timestamptz, heartbeats bigint, engaged bigint, body jsonb)
LANGUAGE sql STABLE AS $$
    SELECT p.room_id, p.session_id, p.participant_id, p.user_key, p.joined_at,
           CASE WHEN p.left_at >= p.joined_at THEN p.left_at
                ELSE greatest(p.joined_at, h.last_at) + interval '25 seconds' END,
           coalesce(h.heartbeats, 0), coalesce(h.engaged, 0), p.body
    FROM report_participants p LEFT JOIN report_heartbeat_total h
      ON h.room_id = p.room_id AND h.session_id = p.session_id AND h.participant_id = p.participant_id
    WHERE p.session_id <> ''
      AND (cardinality(rooms) = 0 OR p.room_id = ANY (rooms))
      AND (cardinality(sessions) = 0 OR p.session_id = ANY (sessions))
      AND p.joined_at >= low AND p.joined_at < high
$$;

-- Each user key's presence: its participants' stints merged (union; touching intervals join,
-- closed ranges), with their heartbeat totals.
CREATE FUNCTION report_user_spans(rooms text[], sessions text[], low timestamptz, high timestamptz)
RETURNS TABLE (room_id text, session_id text, user_key text, spans tstzmultirange, heartbeats bigint, engaged bigint)
LANGUAGE sql STABLE AS $$
    SELECT p.room_id, p.session_id, p.user_key, range_agg(tstzrange(p.start_at, p.end_at, '[]')),
           sum(p.heartbeats)::bigint, sum(p.engaged)::bigint
    FROM report_stints(rooms, sessions, low, high) p
    GROUP BY p.room_id, p.session_id, p.user_key
$$;

-- The same presence as intervals, one row each.
CREATE FUNCTION report_user_presence(rooms text[], sessions text[], low timestamptz, high timestamptz)
RETURNS TABLE (room_id text, session_id text, user_key text, start_at timestamptz, end_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT u.room_id, u.session_id, u.user_key, lower(i), upper(i)
    FROM report_user_spans(rooms, sessions, low, high) u, unnest(u.spans) i
$$;

-- Who each user key is: their latest join row of the session.
CREATE FUNCTION report_user_profiles(rooms text[], sessions text[], low timestamptz, high timestamptz)
RETURNS TABLE (room_id text, session_id text, user_key text, body jsonb)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT ON (p.room_id, p.session_id, p.user_key) p.room_id, p.session_id, p.user_key, p.body
    FROM report_stints(rooms, sessions, low, high) p
    ORDER BY p.room_id, p.session_id, p.user_key, p.start_at DESC
$$;

-- Per attendee (user key with a presence) of each session: merged presence (first instant, last
-- instant, seconds), the activity counts, heartbeats (all, engaged), profile, and the SESSION
-- SPAN: from its earliest presence start to its latest presence end (every presence lies
-- inside it).
--   reactions       reaction rows (refused attempts are not reactions)
--   chat_messages   chat.send + chat.reply rows; a message deleted later still counts (it was sent)
--   raised_hands    hand rows with value 1 (lowering is not counted)
--   polls_answered  distinct polls the user answered
--   qa_threads      distinct Q&A threads (question ids) the user asked or answered in
--   downloads       download rows
CREATE FUNCTION report_attendance(rooms text[], sessions text[], low timestamptz, high timestamptz)
RETURNS TABLE (room_id text, session_id text, user_key text, body jsonb, first_at timestamptz, last_at timestamptz,
               seconds double precision, reactions bigint, chat_messages bigint, raised_hands bigint,
               polls_answered bigint, qa_threads bigint, downloads bigint, heartbeats bigint, engaged bigint,
               session_started_at timestamptz, session_ended_at timestamptz)
LANGUAGE sql STABLE AS $$
    WITH viewers AS (
        SELECT u.room_id, u.session_id, u.user_key, lower(u.spans) AS first_at, upper(u.spans) AS last_at,
               (SELECT sum(extract(epoch FROM upper(i) - lower(i))) FROM unnest(u.spans) i)::double precision AS seconds,
               u.heartbeats, u.engaged
        FROM report_user_spans(rooms, sessions, low, high) u),
    -- Rows per user, kind and subject first, so that both steps are plain (hashable) aggregates:
    -- the distinct polls and threads are then counted as groups.
    subjects AS (
        SELECT e.room_id, e.session_id, e.user_key,
               CASE WHEN e.kind IN ('qa.ask', 'qa.answer') THEN 'qa' WHEN e.kind = 'chat.reply' THEN 'chat.send'
                    WHEN e.kind = 'hand' AND e.value <> 1 THEN 'hand.lowered' ELSE e.kind END AS kind,
               CASE WHEN e.kind IN ('poll.answer', 'qa.ask', 'qa.answer') THEN e.subject_id END AS subject_id,
               count(*) AS n
        FROM report_events e
        WHERE e.kind IN ('reaction', 'chat.send', 'chat.reply', 'hand', 'poll.answer', 'qa.ask', 'qa.answer', 'download')
          AND e.session_id <> ''
          AND (cardinality(rooms) = 0 OR e.room_id = ANY (rooms))
          AND (cardinality(sessions) = 0 OR e.session_id = ANY (sessions))
          AND e.at >= low AND e.at < high
        GROUP BY 1, 2, 3, 4, 5),
    counts AS (
        SELECT x.room_id, x.session_id, x.user_key,
               coalesce(sum(x.n) FILTER (WHERE x.kind = 'reaction'), 0) AS reactions,
               coalesce(sum(x.n) FILTER (WHERE x.kind = 'chat.send'), 0) AS chat_messages,
               coalesce(sum(x.n) FILTER (WHERE x.kind = 'hand'), 0) AS raised_hands,
               count(x.subject_id) FILTER (WHERE x.kind = 'poll.answer') AS polls_answered,
               count(x.subject_id) FILTER (WHERE x.kind = 'qa') AS qa_threads,
               coalesce(sum(x.n) FILTER (WHERE x.kind = 'download'), 0) AS downloads
        FROM subjects x GROUP BY 1, 2, 3)
    SELECT v.room_id, v.session_id, v.user_key, coalesce(p.body, '{}'::jsonb), v.first_at, v.last_at, v.seconds,
           coalesce(c.reactions, 0)::bigint, coalesce(c.chat_messages, 0)::bigint, coalesce(c.raised_hands, 0)::bigint,
           coalesce(c.polls_answered, 0), coalesce(c.qa_threads, 0), coalesce(c.downloads, 0)::bigint,
           v.heartbeats, v.engaged,
           min(v.first_at) OVER (PARTITION BY v.room_id, v.session_id),
           max(v.last_at) OVER (PARTITION BY v.room_id, v.session_id)
    FROM viewers v
    LEFT JOIN report_user_profiles(rooms, sessions, low, high) p USING (room_id, session_id, user_key)
    LEFT JOIN counts c USING (room_id, session_id, user_key)
$$;

-- Each session's facts: title (the latest join's, else the breakout.open's), parent room (the
-- breakout.open's subject, else a join's `parent`), host (the user key of the first join with
-- role host), opened_by (the breakout.open's). Its span is report_attendance's.
CREATE FUNCTION report_session_facts(rooms text[], sessions text[], low timestamptz, high timestamptz)
RETURNS TABLE (room_id text, session_id text, title text, parent text, host text, opened_by text)
LANGUAGE sql STABLE AS $$
    SELECT e.room_id, e.session_id,
           coalesce((array_agg(e.body->>'title' ORDER BY e.at DESC) FILTER (WHERE e.kind = 'join'))[1],
                    min(e.body->>'title') FILTER (WHERE e.kind = 'breakout.open')),
           coalesce(min(e.subject_id) FILTER (WHERE e.kind = 'breakout.open'),
                    min(e.body->>'parent') FILTER (WHERE e.kind = 'join')),
           (array_agg(e.user_key ORDER BY e.at) FILTER (WHERE e.kind = 'join' AND e.body->>'role' = 'host'))[1],
           min(e.body->>'opened_by') FILTER (WHERE e.kind = 'breakout.open')
    FROM report_events e
    WHERE e.kind IN ('join', 'breakout.open') AND e.session_id <> ''
      AND (cardinality(rooms) = 0 OR e.room_id = ANY (rooms))
      AND (cardinality(sessions) = 0 OR e.session_id = ANY (sessions))
      AND e.at >= low AND e.at < high
    GROUP BY e.room_id, e.session_id
$$;

-- One session (the dashboard's reports).
CREATE FUNCTION report_presence(r text, s text)
RETURNS TABLE (user_key text, start_at timestamptz, end_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT p.user_key, p.start_at, p.end_at
    FROM report_user_presence(ARRAY[r], ARRAY[s], '-infinity', 'infinity') p
$$;

CREATE FUNCTION report_people(r text, s text)
RETURNS TABLE (user_key text, body jsonb)
LANGUAGE sql STABLE AS $$
    SELECT p.user_key, p.body FROM report_user_profiles(ARRAY[r], ARRAY[s], '-infinity', 'infinity') p
$$;

CREATE FUNCTION report_attendee_rows(r text, s text)
RETURNS TABLE (user_key text, body jsonb, seconds double precision, reactions bigint, chat_messages bigint,
               raised_hands bigint, polls_answered bigint, qa_threads bigint, downloads bigint,
               heartbeats bigint, engaged bigint)
LANGUAGE sql STABLE AS $$
    SELECT a.user_key, a.body, a.seconds, a.reactions, a.chat_messages, a.raised_hands, a.polls_answered,
           a.qa_threads, a.downloads, a.heartbeats, a.engaged
    FROM report_attendance(ARRAY[r], ARRAY[s], '-infinity', 'infinity') a
$$;

-- The session's recordings: the room's recordings started inside the session span.
CREATE FUNCTION report_session_recordings(r text, s text)
RETURNS TABLE (recording_id text, title text, started_at timestamptz, duration_ms bigint)
LANGUAGE sql STABLE AS $$
    WITH span AS (SELECT min(a.session_started_at) AS low, max(a.session_ended_at) AS high
                  FROM report_attendance(ARRAY[r], ARRAY[s], '-infinity', 'infinity') a)
    SELECT c.recording_id, c.title, c.started_at, c.duration_ms
    FROM recordings c, span
    WHERE c.room_id = r AND c.started_at >= span.low AND c.started_at <= span.high
$$;

-- One row per play of the session's recordings: its last row's figures.
CREATE FUNCTION report_plays(r text, s text)
RETURNS TABLE (recording_id text, play text, user_key text, watched_ms bigint, buckets bigint)
LANGUAGE sql STABLE AS $$
    WITH recs AS (SELECT c.recording_id FROM report_session_recordings(r, s) c),
    -- watched_ms only grows within a play; seek rows written before they carried it fall back
    -- to the play's latest value (its maximum).
    played AS MATERIALIZED (
        SELECT e.subject_id, e.body->>'play' AS play, e.kind, e.at, e.user_key, e.value, e.body,
               max((e.body->>'watched_ms')::bigint) OVER (PARTITION BY e.subject_id, e.body->>'play') AS play_watched_ms
        FROM report_events e
        WHERE e.room_id = r AND e.kind IN ('playback.play', 'playback.progress', 'playback.seek')
          AND e.subject_id IN (SELECT recording_id FROM recs)),
    started AS (SELECT DISTINCT x.subject_id, x.play FROM played x WHERE x.kind = 'playback.play' AND x.play IS NOT NULL)
    SELECT DISTINCT ON (x.subject_id, x.play) x.subject_id, x.play, x.user_key,
           coalesce((x.body->>'watched_ms')::bigint, x.play_watched_ms, 0), least(greatest(x.value, 0), 100)
    FROM played x JOIN started USING (subject_id, play)
    ORDER BY x.subject_id, x.play, x.at DESC, x.value DESC
$$;

-- ---------------------------------------------------------------------------------------------
-- Reports: one function each, returning the "data" object of the answer.

-- The room's sessions (newest first) and the breakouts opened from it.
CREATE FUNCTION report_sessions(r text) RETURNS jsonb
-- Custom plans always: a generic plan (plpgsql's choice after five calls) cannot see which
-- session it reads and was measured 3-4x slower.
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    result jsonb;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM report_events WHERE room_id = r) THEN
        RAISE EXCEPTION 'no telemetry for room %', r USING ERRCODE = 'RR445';
    END IF;
    WITH own AS (
        SELECT e.session_id, min(e.at) AS first_at, max(e.at) AS last_at,
               count(DISTINCT e.user_key) FILTER (WHERE e.kind = 'join') AS viewers, f.title, f.parent
        FROM report_events e
        LEFT JOIN report_session_facts(ARRAY[r], '{}', '-infinity', 'infinity') f USING (room_id, session_id)
        WHERE e.room_id = r AND e.session_id <> ''
        GROUP BY e.session_id, f.title, f.parent),
    breakouts AS (
        SELECT e.room_id, e.session_id, min(e.at) AS opened_at, (array_agg(e.body->>'title'))[1] AS title,
               (array_agg(e.body->>'opened_by'))[1] AS opened_by
        FROM report_events e WHERE e.kind = 'breakout.open' AND e.subject_id = r
        GROUP BY e.room_id, e.session_id)
    SELECT jsonb_build_object(
        'sessions', coalesce((SELECT jsonb_agg(jsonb_build_object(
                'session', o.session_id, 'title', o.title, 'first_at', report_ts(o.first_at),
                'last_at', report_ts(o.last_at), 'live_unique_viewers', o.viewers, 'parent', o.parent)
                ORDER BY o.first_at DESC, o.session_id) FROM own o), '[]'::jsonb),
        'breakouts', coalesce((SELECT jsonb_agg(jsonb_build_object(
                'room', b.room_id, 'session', b.session_id, 'title', b.title, 'opened_by', b.opened_by,
                'opened_at', report_ts(b.opened_at)) ORDER BY b.opened_at, b.room_id) FROM breakouts b), '[]'::jsonb))
    INTO result;
    RETURN result;
END $$;

-- A1.
CREATE FUNCTION report_overview(r text, s_in text) RETURNS jsonb
-- Custom plans always: a generic plan (plpgsql's choice after five calls) cannot see which
-- session it reads and was measured 3-4x slower.
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    s text := report_resolve_session(r, s_in);
    result jsonb;
BEGIN
    WITH presence AS (SELECT * FROM report_presence(r, s)),
    viewers AS (SELECT p.user_key, sum(extract(epoch FROM p.end_at - p.start_at)) AS seconds
                FROM presence p GROUP BY p.user_key),
    span AS (SELECT min(start_at) AS low, max(end_at) AS high FROM presence),
    beats AS (SELECT coalesce(sum(h.heartbeats), 0) AS heartbeats, coalesce(sum(h.engaged), 0) AS engaged
              FROM report_heartbeat_total h WHERE h.room_id = r AND h.session_id = s),
    acts AS (SELECT e.kind, e.user_key, e.subject_id, e.value FROM report_events e
             WHERE e.room_id = r AND e.session_id = s
               AND e.kind IN ('reaction', 'reaction.refused', 'chat.send', 'chat.reply', 'hand', 'poll.create',
                              'poll.answer', 'qa.ask', 'qa.answer', 'download')),
    plays AS (SELECT * FROM report_plays(r, s)),
    n AS (SELECT count(*) AS live FROM viewers),
    activity AS (
        SELECT
            count(*) FILTER (WHERE kind = 'reaction') AS reactions,
            count(DISTINCT user_key) FILTER (WHERE kind = 'reaction') AS reaction_users,
            coalesce(sum(value) FILTER (WHERE kind = 'reaction.refused'), 0) AS refused,
            count(*) FILTER (WHERE kind IN ('chat.send', 'chat.reply')) AS chat,
            count(DISTINCT user_key) FILTER (WHERE kind IN ('chat.send', 'chat.reply')) AS chat_users,
            count(*) FILTER (WHERE kind = 'hand' AND value = 1) AS hands,
            count(DISTINCT user_key) FILTER (WHERE kind = 'hand' AND value = 1) AS hand_users,
            count(*) FILTER (WHERE kind = 'poll.create') AS polls,
            count(DISTINCT (user_key, subject_id)) FILTER (WHERE kind = 'poll.answer') AS poll_answers,
            count(DISTINCT user_key) FILTER (WHERE kind = 'poll.answer') AS poll_users,
            count(*) FILTER (WHERE kind = 'qa.ask') AS qa_threads,
            count(DISTINCT user_key) FILTER (WHERE kind IN ('qa.ask', 'qa.answer')) AS qa_users,
            count(*) FILTER (WHERE kind = 'download') AS downloads,
            count(DISTINCT user_key) FILTER (WHERE kind = 'download') AS download_users
        FROM acts)
    SELECT jsonb_build_object(
        'session', s,
        'started_at', report_ts(span.low), 'ended_at', report_ts(span.high),
        'duration_minutes', report_round((extract(epoch FROM span.high - span.low) / 60)::numeric),
        'live_unique_viewers', n.live,
        'recording_unique_viewers', (SELECT count(DISTINCT user_key) FROM plays),
        'average_minutes_viewed', CASE WHEN n.live = 0 THEN 0
                                       ELSE report_round(((SELECT sum(seconds) FROM viewers) / 60 / n.live)::numeric) END,
        'live_engagement_rate', CASE WHEN beats.heartbeats = 0 THEN NULL
                                     ELSE report_round(100.0 * beats.engaged / beats.heartbeats) END,
        'reactions', jsonb_build_object('count', a.reactions, 'users', a.reaction_users,
                                        'users_percent', report_users_percent(a.reaction_users, n.live),
                                        'refused_attempts', a.refused),
        'chat_messages', jsonb_build_object('count', a.chat, 'users', a.chat_users,
                                            'users_percent', report_users_percent(a.chat_users, n.live)),
        'raised_hands', jsonb_build_object('count', a.hands, 'users', a.hand_users,
                                           'users_percent', report_users_percent(a.hand_users, n.live)),
        'polls', jsonb_build_object('count', a.polls, 'answers', a.poll_answers, 'users', a.poll_users,
                                    'users_percent', report_users_percent(a.poll_users, n.live)),
        'qa_threads', jsonb_build_object('count', a.qa_threads, 'users', a.qa_users,
                                         'users_percent', report_users_percent(a.qa_users, n.live)),
        'downloads', jsonb_build_object('count', a.downloads, 'users', a.download_users,
                                        'users_percent', report_users_percent(a.download_users, n.live)),
        'recording_plays', (SELECT count(*) FROM plays))
    INTO result
    FROM span, n, beats, activity a;
    RETURN result;
END $$;

-- A2: one entry per minute of the span.
CREATE FUNCTION report_timeline(r text, s_in text) RETURNS jsonb
-- Custom plans always: a generic plan (plpgsql's choice after five calls) cannot see which
-- session it reads and was measured 3-4x slower.
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    s text := report_resolve_session(r, s_in);
    result jsonb;
BEGIN
    WITH presence AS (SELECT * FROM report_presence(r, s)),
    bounds AS (SELECT date_trunc('minute', min(start_at), 'UTC') AS first_minute,
                      date_trunc('minute', max(end_at) - interval '1 microsecond', 'UTC') AS last_minute FROM presence),
    -- Each island as a run of minutes; a run starting in the minute where the user's previous
    -- island ended starts one minute later, so no user counts twice in a minute.
    runs AS (
        SELECT p.user_key, date_trunc('minute', p.start_at, 'UTC') AS first_minute,
               date_trunc('minute', p.end_at - interval '1 microsecond', 'UTC') AS last_minute,
               lag(date_trunc('minute', p.end_at - interval '1 microsecond', 'UTC'))
                   OVER (PARTITION BY p.user_key ORDER BY p.start_at) AS previous_last
        FROM presence p),
    deltas AS (
        SELECT CASE WHEN previous_last IS NOT NULL AND previous_last >= first_minute
                    THEN previous_last + interval '1 minute' ELSE first_minute END AS minute, 1 AS delta
        FROM runs
        UNION ALL
        SELECT last_minute + interval '1 minute', -1 FROM runs),
    deltas_valid AS (
        SELECT d.minute, sum(d.delta) AS delta FROM deltas d GROUP BY d.minute),
    minutes AS (SELECT m FROM bounds, generate_series(bounds.first_minute, bounds.last_minute, interval '1 minute') m),
    live AS (
        SELECT minutes.m, sum(coalesce(d.delta, 0)) OVER (ORDER BY minutes.m) AS viewers
        FROM minutes LEFT JOIN deltas_valid d ON d.minute = minutes.m),
    beats AS (
        SELECT h.minute, h.heartbeats, h.engaged
        FROM report_minute_total h WHERE h.room_id = r AND h.session_id = s),
    reactions AS (
        SELECT e.minute, jsonb_object_agg(e.subject_id, e.n) AS by_type
        FROM (SELECT date_trunc('minute', at, 'UTC') AS minute, coalesce(subject_id, '') AS subject_id, count(*) AS n
              FROM report_events WHERE room_id = r AND session_id = s AND kind = 'reaction' GROUP BY 1, 2) e
        GROUP BY 1)
    SELECT jsonb_build_object('session', s, 'minutes', coalesce(jsonb_agg(jsonb_build_object(
            'index', (extract(epoch FROM live.m - bounds.first_minute) / 60)::int,
            'minute', report_ts(live.m),
            'live_unique_viewers', live.viewers,
            'engagement_rate', CASE WHEN coalesce(b.heartbeats, 0) = 0 THEN NULL
                                    ELSE report_round(100.0 * b.engaged / b.heartbeats) END,
            'heartbeats', coalesce(b.heartbeats, 0),
            'reactions', coalesce(x.by_type, '{}'::jsonb)) ORDER BY live.m), '[]'::jsonb))
    INTO result
    FROM live CROSS JOIN bounds LEFT JOIN beats b ON b.minute = live.m LEFT JOIN reactions x ON x.minute = live.m;
    RETURN result;
END $$;

-- A3: per attendee figures (report_attendee_rows), filtered by a name search, sorted by minutes viewed, paged.
CREATE FUNCTION report_attendees(r text, s_in text, search text, first int, count int) RETURNS jsonb
-- Custom plans always: a generic plan (plpgsql's choice after five calls) cannot see which
-- session it reads and was measured 3-4x slower.
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    s text := report_resolve_session(r, s_in);
    needle text := report_fold(search);
    result jsonb;
BEGIN
    WITH matching AS (
        SELECT a.* FROM report_attendee_rows(r, s) a
        WHERE needle = '' OR strpos(report_fold(a.body->>'display'), needle) > 0),
    page AS (
        SELECT * FROM matching m ORDER BY m.seconds DESC, m.body->>'display', m.user_key OFFSET first LIMIT count)
    SELECT jsonb_build_object('session', s, 'total', (SELECT count(*) FROM matching), 'offset', first,
        'attendees', coalesce((SELECT jsonb_agg(jsonb_build_object(
            'user', p.user_key, 'name', p.body->>'display', 'role', p.body->>'role',
            'minutes_viewed', report_round((p.seconds / 60)::numeric),
            'reactions', p.reactions, 'chat_messages', p.chat_messages, 'raised_hands', p.raised_hands,
            'polls_answered', p.polls_answered, 'qa_threads', p.qa_threads, 'downloads', p.downloads,
            'engagement_rate', CASE WHEN p.heartbeats = 0 THEN NULL ELSE report_round(100.0 * p.engaged / p.heartbeats) END,
            'details', jsonb_build_object('name', p.body->>'display', 'role', p.body->>'role',
                                          'company', p.body->>'company', 'industry', p.body->>'industry',
                                          'country', p.body->>'country'))
            ORDER BY p.seconds DESC, p.body->>'display', p.user_key) FROM page p), '[]'::jsonb))
    INTO result;
    RETURN result;
END $$;

-- A4: heatmap rows (one character per timeline minute: E engaged, N not engaged, . offline),
-- for a page of attendees in the attendee table's order. who = '' for all, else one user key.
CREATE FUNCTION report_heatmap(r text, s_in text, who text, first int, count int) RETURNS jsonb
-- Custom plans always: a generic plan (plpgsql's choice after five calls) cannot see which
-- session it reads and was measured 3-4x slower.
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    s text := report_resolve_session(r, s_in);
    result jsonb;
BEGIN
    WITH presence AS (SELECT * FROM report_presence(r, s)),
    bounds AS (SELECT date_trunc('minute', min(start_at), 'UTC') AS first_minute,
                      date_trunc('minute', max(end_at) - interval '1 microsecond', 'UTC') AS last_minute FROM presence),
    viewers AS (SELECT p.user_key, sum(extract(epoch FROM p.end_at - p.start_at)) AS seconds
                FROM presence p WHERE who = '' OR p.user_key = who GROUP BY p.user_key),
    page AS (SELECT v.user_key, v.seconds, pe.body FROM viewers v LEFT JOIN report_people(r, s) pe ON pe.user_key = v.user_key
             ORDER BY v.seconds DESC, pe.body->>'display', v.user_key OFFSET first LIMIT count),
    minutes AS (SELECT m FROM bounds, generate_series(bounds.first_minute, bounds.last_minute, interval '1 minute') m),
    present AS (
        SELECT DISTINCT p.user_key, m.m FROM presence p JOIN page USING (user_key)
        JOIN minutes m ON p.start_at < m.m + interval '1 minute' AND p.end_at > m.m),
    -- The page's participants, then their minutes by primary-key probes (not the whole session).
    seats AS (
        SELECT DISTINCT e.participant_id FROM report_events e JOIN page USING (user_key)
        WHERE e.room_id = r AND e.session_id = s AND e.kind = 'join'),
    engaged AS (
        SELECT DISTINCT h.user_key, h.minute FROM seats
        JOIN LATERAL (SELECT m.user_key, m.minute FROM report_heartbeat_minute m
                      WHERE m.room_id = r AND m.session_id = s AND m.participant_id = seats.participant_id
                        AND m.engaged > 0) h ON true),
    cells AS (
        SELECT page.user_key, page.seconds, page.body,
               string_agg(CASE WHEN pr.m IS NULL THEN '.' WHEN en.minute IS NOT NULL THEN 'E' ELSE 'N' END,
                          '' ORDER BY minutes.m) AS row
        FROM page CROSS JOIN minutes
        LEFT JOIN present pr ON pr.user_key = page.user_key AND pr.m = minutes.m
        LEFT JOIN engaged en ON en.user_key = page.user_key AND en.minute = minutes.m
        GROUP BY page.user_key, page.seconds, page.body)
    SELECT jsonb_build_object('session', s, 'first_minute', report_ts((SELECT first_minute FROM bounds)),
        'minutes', (SELECT count(*) FROM minutes), 'total', (SELECT count(*) FROM viewers), 'offset', first,
        'legend', jsonb_build_object('E', 'engaged', 'N', 'not engaged', '.', 'offline'),
        'rows', coalesce((SELECT jsonb_agg(jsonb_build_object('user', c.user_key, 'name', c.body->>'display',
                                                             'cells', c.row)
                                          ORDER BY c.seconds DESC, c.body->>'display', c.user_key) FROM cells c), '[]'::jsonb))
    INTO result;
    RETURN result;
END $$;

-- A3 details of one attendee: the table's figures, presence intervals, heatmap row.
CREATE FUNCTION report_attendee(r text, s_in text, who text) RETURNS jsonb
-- Custom plans always: a generic plan (plpgsql's choice after five calls) cannot see which
-- session it reads and was measured 3-4x slower.
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    s text := report_resolve_session(r, s_in);
    result jsonb;
BEGIN
    SELECT jsonb_build_object('session', s, 'user', a.user_key, 'name', a.body->>'display', 'role', a.body->>'role',
            'company', a.body->>'company', 'industry', a.body->>'industry', 'country', a.body->>'country',
            'device', a.body->>'device', 'minutes_viewed', report_round((a.seconds / 60)::numeric),
            'reactions', a.reactions, 'chat_messages', a.chat_messages, 'raised_hands', a.raised_hands,
            'polls_answered', a.polls_answered, 'qa_threads', a.qa_threads, 'downloads', a.downloads,
            'engagement_rate', CASE WHEN a.heartbeats = 0 THEN NULL ELSE report_round(100.0 * a.engaged / a.heartbeats) END,
            'presence', (SELECT jsonb_agg(jsonb_build_object('from', report_ts(p.start_at), 'to', report_ts(p.end_at))
                                          ORDER BY p.start_at) FROM report_presence(r, s) p WHERE p.user_key = who),
            'heatmap', (report_heatmap(r, s, who, 0, 1)->'rows'->0->>'cells'))
    INTO result
    FROM report_attendee_rows(r, s) a WHERE a.user_key = who;
    IF result IS NULL THEN
        RAISE EXCEPTION 'no attendee % in session %', who, s USING ERRCODE = 'RR451';
    END IF;
    RETURN result;
END $$;

-- A3b: time on stage per user and each presented stream.
CREATE FUNCTION report_stage(r text, s_in text) RETURNS jsonb
-- Custom plans always: a generic plan (plpgsql's choice after five calls) cannot see which
-- session it reads and was measured 3-4x slower.
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    s text := report_resolve_session(r, s_in);
    result jsonb;
BEGIN
    WITH presence_end AS (SELECT p.user_key, max(p.end_at) AS end_at FROM report_presence(r, s) p GROUP BY 1),
    marks AS (SELECT e.* FROM report_events e WHERE e.room_id = r AND e.session_id = s
             AND e.kind IN ('stage.on', 'stage.off', 'present.start', 'present.stop')),
    stage AS (
        SELECT o.user_key, o.at AS from_at,
               coalesce((SELECT min(f.at) FROM marks f WHERE f.kind = 'stage.off' AND f.participant_id = o.participant_id
                         AND f.at >= o.at), pe.end_at) AS to_at
        FROM marks o LEFT JOIN presence_end pe USING (user_key) WHERE o.kind = 'stage.on'),
    media AS (
        SELECT o.user_key, o.subject_id, o.at AS from_at,
               coalesce((SELECT min(f.at) FROM marks f WHERE f.kind = 'present.stop' AND f.participant_id = o.participant_id
                         AND f.subject_id IS NOT DISTINCT FROM o.subject_id AND f.at >= o.at), pe.end_at) AS to_at
        FROM marks o LEFT JOIN presence_end pe USING (user_key) WHERE o.kind = 'present.start'),
    intervals AS (SELECT user_key, from_at, to_at FROM stage UNION ALL SELECT user_key, from_at, to_at FROM media),
    ordered AS (
        SELECT i.*, max(i.to_at) OVER (PARTITION BY i.user_key ORDER BY i.from_at, i.to_at
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_end
        FROM intervals i WHERE i.to_at IS NOT NULL AND i.to_at > i.from_at),
    islands AS (
        SELECT o.*, sum(CASE WHEN o.previous_end IS NULL OR o.from_at > o.previous_end THEN 1 ELSE 0 END)
                        OVER (PARTITION BY o.user_key ORDER BY o.from_at, o.to_at) AS island
        FROM ordered o),
    merged AS (SELECT user_key, min(from_at) AS from_at, max(to_at) AS to_at FROM islands GROUP BY user_key, island),
    per_user AS (SELECT m.user_key, sum(extract(epoch FROM m.to_at - m.from_at)) AS seconds FROM merged m GROUP BY 1),
    people AS (SELECT * FROM report_people(r, s))
    SELECT jsonb_build_object('session', s,
        'stage', coalesce((SELECT jsonb_agg(jsonb_build_object('user', u.user_key, 'name', pp.body->>'display',
                     'role', pp.body->>'role', 'seconds', round(u.seconds::numeric, 3),
                     'minutes', report_round((u.seconds / 60)::numeric))
                 ORDER BY u.seconds DESC, u.user_key) FROM per_user u LEFT JOIN people pp USING (user_key)), '[]'::jsonb),
        'media', coalesce((SELECT jsonb_agg(jsonb_build_object('user', m.user_key, 'name', pp.body->>'display',
                     'source', m.subject_id, 'from', report_ts(m.from_at), 'to', report_ts(m.to_at),
                     'seconds', round(extract(epoch FROM m.to_at - m.from_at)::numeric, 3))
                 ORDER BY m.from_at, m.user_key) FROM media m LEFT JOIN people pp USING (user_key)), '[]'::jsonb))
    INTO result;
    RETURN result;
END $$;

-- A3b presented media alone (the "media" report).
CREATE FUNCTION report_media(r text, s_in text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('session', x->'session', 'media', x->'media') FROM report_stage(r, s_in) x
$$;

-- A5.
CREATE FUNCTION report_recordings(r text, s_in text) RETURNS jsonb
-- Custom plans always: a generic plan (plpgsql's choice after five calls) cannot see which
-- session it reads and was measured 3-4x slower.
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    s text := report_resolve_session(r, s_in);
    result jsonb;
BEGIN
    WITH recs AS (SELECT * FROM report_session_recordings(r, s)),
    plays AS (SELECT * FROM report_plays(r, s)),
    impressions AS (SELECT e.subject_id, count(*) AS n FROM report_events e
                    WHERE e.room_id = r AND e.kind = 'playback.impression' AND e.subject_id IN (SELECT recording_id FROM recs)
                    GROUP BY 1),
    users AS (SELECT p.recording_id, p.user_key, count(*) AS plays, sum(p.watched_ms) AS watched_ms, sum(p.buckets) AS buckets
              FROM plays p GROUP BY 1, 2)
    SELECT jsonb_build_object('session', s, 'recordings', coalesce(jsonb_agg(jsonb_build_object(
            'recording', c.recording_id, 'title', c.title, 'started_at', report_ts(c.started_at),
            'duration_ms', c.duration_ms,
            'impressions', coalesce((SELECT n FROM impressions i WHERE i.subject_id = c.recording_id), 0),
            'plays', (SELECT count(*) FROM plays p WHERE p.recording_id = c.recording_id),
            'unique_viewers', (SELECT count(DISTINCT p.user_key) FROM plays p WHERE p.recording_id = c.recording_id),
            'minutes_viewed', coalesce((SELECT report_round(sum(p.watched_ms) / 60000.0) FROM plays p
                                        WHERE p.recording_id = c.recording_id), 0),
            'average_completion', coalesce((SELECT report_round(least(100, sum(p.buckets)::numeric / count(*))) FROM plays p
                                            WHERE p.recording_id = c.recording_id), 0),
            'users', coalesce((SELECT jsonb_agg(jsonb_build_object('user', u.user_key, 'plays', u.plays,
                                    'minutes_viewed', report_round(u.watched_ms / 60000.0),
                                    'average_completion', report_round(least(100, u.buckets::numeric / u.plays)))
                                ORDER BY u.user_key) FROM users u WHERE u.recording_id = c.recording_id), '[]'::jsonb))
            ORDER BY c.started_at, c.recording_id), '[]'::jsonb))
    INTO result
    FROM recs c;
    RETURN result;
END $$;

-- A6.
CREATE FUNCTION report_geography(r text, s_in text) RETURNS jsonb
-- Custom plans always: a generic plan (plpgsql's choice after five calls) cannot see which
-- session it reads and was measured 3-4x slower.
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    s text := report_resolve_session(r, s_in);
    result jsonb;
BEGIN
    WITH live AS (
        SELECT DISTINCT v.user_key, coalesce(p.body->>'country', 'unknown') AS country,
               coalesce(p.body->>'device', 'unknown') AS device
        FROM report_presence(r, s) v LEFT JOIN report_people(r, s) p USING (user_key)),
    watchers AS (SELECT DISTINCT user_key FROM report_plays(r, s)),
    latest_join AS (
        SELECT DISTINCT ON (e.user_key) e.user_key, e.body FROM report_events e
        WHERE e.room_id = r AND e.kind = 'join' AND e.user_key IN (SELECT user_key FROM watchers)
        ORDER BY e.user_key, e.at DESC),
    recorded AS (
        SELECT w.user_key, coalesce(j.body->>'country', 'unknown') AS country, coalesce(j.body->>'device', 'unknown') AS device
        FROM watchers w LEFT JOIN latest_join j USING (user_key))
    SELECT jsonb_build_object('session', s,
        'live', jsonb_build_object(
            'countries', coalesce((SELECT jsonb_agg(jsonb_build_object('country', country, 'viewers', n) ORDER BY n DESC, country)
                                   FROM (SELECT country, count(*) AS n FROM live GROUP BY 1) x), '[]'::jsonb),
            'devices', coalesce((SELECT jsonb_agg(jsonb_build_object('device', device, 'viewers', n) ORDER BY n DESC, device)
                                 FROM (SELECT device, count(*) AS n FROM live GROUP BY 1) x), '[]'::jsonb)),
        'recording', jsonb_build_object(
            'countries', coalesce((SELECT jsonb_agg(jsonb_build_object('country', country, 'viewers', n) ORDER BY n DESC, country)
                                   FROM (SELECT country, count(*) AS n FROM recorded GROUP BY 1) x), '[]'::jsonb),
            'devices', coalesce((SELECT jsonb_agg(jsonb_build_object('device', device, 'viewers', n) ORDER BY n DESC, device)
                                 FROM (SELECT device, count(*) AS n FROM recorded GROUP BY 1) x), '[]'::jsonb)))
    INTO result;
    RETURN result;
END $$;

-- A database with telemetry from before this migration gets its report rollups now.
SELECT telemetry_refresh_minutes(min(at), max(at) + interval '1 minute') FROM telemetry_events;
SELECT report_attendees_settle();
