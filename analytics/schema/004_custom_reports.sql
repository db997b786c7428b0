-- Custom CSV reports (SPEC A7, A8): the five report queries as SQL functions, and the
-- definitions they share (engaged heartbeat, presence, a session's rows), each written once
-- here so other reports can call the same ones. Applied by storage/db/migrations.cpp inside
-- one transaction: no BEGIN/COMMIT here.
--
-- Every report takes the same parameters, all bound by the caller (never built into SQL):
--   p_from, p_to            the range [p_from, p_to): sessions that STARTED in it
--   p_entry_ids             rooms (main or breakout)            } an empty array = no filter
--   p_user_ids              user keys (user id, else participant id)
--   p_cue_point_ids         room sessions
--   p_virtual_event_ids     virtual events: no room belongs to one yet, so a non-empty list
--                           selects nothing
--   p_parent_entry_ids      parent rooms of breakouts
-- and returns text columns already formatted for CSV, in the report's column order
-- (analytics/core/custom_report_columns.cpp lists the same names).

-- Engaged (room rule, SPEC E2): tab focused (bit 0) OR full screen (1) OR camera on (3) OR on
-- stage (4); sound alone (bit 2) is not. 27 = 0b11011.
CREATE FUNCTION rr_heartbeat_engaged(bits bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (bits & 27) <> 0 $$;

-- Seconds one heartbeat stands for (clients send one every 10 s): engagement is time-weighted,
-- every heartbeat weighs the same, so the rate is engaged heartbeats / heartbeats.
CREATE FUNCTION rr_heartbeat_seconds() RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 10 $$;

-- Where one stint of presence ends: at its leave row; without one (a node crash) at its last
-- heartbeat + 25 s, or its join + 25 s when it sent none.
CREATE FUNCTION rr_presence_end(joined_at timestamptz, left_at timestamptz, last_heartbeat_at timestamptz)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(left_at, greatest(joined_at, last_heartbeat_at) + interval '25 seconds')
$$;

-- Seconds covered by a set of merged presence intervals.
CREATE FUNCTION rr_multirange_seconds(spans tstzmultirange) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(sum(extract(epoch FROM upper(r) - lower(r))), 0)::double precision FROM unnest(spans) r
$$;

-- How far before and after a range a session's rows can lie: a room session lasts at most
-- 72 h (max_session_duration's cap), plus an hour of margin.
CREATE FUNCTION rr_session_reach() RETURNS interval
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT interval '73 hours' $$;

-- Room sessions (cue points) that started in [p_from, p_to), one row each: its room, start
-- (first row), last row, title (the latest join's, else the breakout.open's), parent room (a
-- breakout's), first host (user key of the first join with role host) and for a breakout who
-- opened it.
CREATE FUNCTION rr_sessions(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_cue_point_ids text[],
                            p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS TABLE (room_id text, session_id text, started_at timestamptz, last_at timestamptz, title text,
               parent_room_id text, host_user_id text, opened_by text)
LANGUAGE sql STABLE AS $$
    SELECT * FROM (
        SELECT e.room_id, e.session_id, min(e.at), max(e.at),
               coalesce((array_agg(e.body->>'title' ORDER BY e.at DESC)
                             FILTER (WHERE e.kind = 'join' AND e.body ? 'title'))[1],
                        (array_agg(e.body->>'title' ORDER BY e.at) FILTER (WHERE e.kind = 'breakout.open'))[1], ''),
               coalesce((array_agg(e.subject_id ORDER BY e.at) FILTER (WHERE e.kind = 'breakout.open'))[1],
                        (array_agg(e.body->>'parent' ORDER BY e.at) FILTER (WHERE e.kind = 'join' AND e.body ? 'parent'))[1]),
               (array_agg(coalesce(e.user_id, e.participant_id) ORDER BY e.at)
                    FILTER (WHERE e.kind = 'join' AND e.body->>'role' = 'host'))[1],
               (array_agg(e.body->>'opened_by' ORDER BY e.at) FILTER (WHERE e.kind = 'breakout.open'))[1]
        FROM telemetry_events e
        WHERE e.at >= p_from - rr_session_reach() AND e.at < p_to + rr_session_reach() AND e.session_id <> ''
          AND (cardinality(p_entry_ids) = 0 OR e.room_id = ANY (p_entry_ids))
          AND (cardinality(p_cue_point_ids) = 0 OR e.session_id = ANY (p_cue_point_ids))
          AND cardinality(p_virtual_event_ids) = 0
        GROUP BY e.room_id, e.session_id
    ) s (room_id, session_id, started_at, last_at, title, parent_room_id, host_user_id, opened_by)
    WHERE s.started_at >= p_from AND s.started_at < p_to
      AND (cardinality(p_parent_entry_ids) = 0 OR s.parent_room_id = ANY (p_parent_entry_ids))
$$;

-- Attendance per user of those sessions: presence (each participant's stints from a join to
-- the next leave, else rr_presence_end; all stints of one user merged, several devices or
-- rejoins count once) and heartbeats (all and engaged). Users are coalesce(user_id,
-- participant_id).
CREATE FUNCTION rr_attendance(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_user_ids text[],
                              p_cue_point_ids text[], p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS TABLE (room_id text, session_id text, user_key text, presence tstzmultirange, heartbeats bigint,
               engaged_heartbeats bigint)
LANGUAGE sql STABLE AS $$
    WITH s AS (
        SELECT room_id, session_id FROM rr_sessions(p_from, p_to, p_entry_ids, p_cue_point_ids, p_virtual_event_ids,
                                                    p_parent_entry_ids)
    ), rows AS (
        SELECT e.room_id, e.session_id, e.participant_id, coalesce(e.user_id, e.participant_id) AS user_key, e.kind,
               e.at, e.value,
               -- the rows from one join of a participant up to its next join form one stint
               count(*) FILTER (WHERE e.kind = 'join') OVER (PARTITION BY e.room_id, e.session_id, e.participant_id
                                                             ORDER BY e.at, e.kind <> 'join') AS stint
        FROM telemetry_events e JOIN s ON s.room_id = e.room_id AND s.session_id = e.session_id
        WHERE e.at >= p_from - rr_session_reach() AND e.at < p_to + rr_session_reach()
          AND e.kind IN ('join', 'leave', 'heartbeat') AND e.participant_id IS NOT NULL
          AND (cardinality(p_user_ids) = 0 OR coalesce(e.user_id, e.participant_id) = ANY (p_user_ids))
    ), stints AS (
        SELECT room_id, session_id, user_key,
               min(at) FILTER (WHERE kind = 'join') AS joined_at,
               rr_presence_end(min(at) FILTER (WHERE kind = 'join'), min(at) FILTER (WHERE kind = 'leave'),
                               max(at) FILTER (WHERE kind = 'heartbeat')) AS left_at,
               count(*) FILTER (WHERE kind = 'heartbeat') AS heartbeats,
               count(*) FILTER (WHERE kind = 'heartbeat' AND rr_heartbeat_engaged(value)) AS engaged
        FROM rows WHERE stint > 0
        GROUP BY room_id, session_id, participant_id, user_key, stint
    )
    SELECT room_id, session_id, user_key, range_agg(tstzrange(joined_at, left_at)), sum(heartbeats)::bigint,
           sum(engaged)::bigint
    FROM stints GROUP BY room_id, session_id, user_key
$$;

-- Times in the reports: unix seconds for session/presence times, ISO 8601 UTC for chat.
CREATE FUNCTION rr_unix(at timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT floor(extract(epoch FROM at))::bigint::text $$;
CREATE FUNCTION rr_iso(at timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;
-- Engagement rate, 0-1 with 4 decimals; empty when there was no heartbeat.
CREATE FUNCTION rr_rate(engaged bigint, total bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN total > 0 THEN round(engaged::numeric / total, 4)::text END
$$;
-- Minutes with 2 decimals.
CREATE FUNCTION rr_minutes(seconds double precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT round((seconds / 60)::numeric, 2)::text $$;

-- Room data: one row per room session (main rooms and breakouts).
CREATE FUNCTION custom_room_data(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_user_ids text[],
                                 p_cue_point_ids text[], p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS TABLE (entry_id text, entry_name text, parent_entry_id text, cue_point_id text, session_start_time text,
               session_end_time text, session_host_user_id text, meeting_view_period_unique_users text,
               meeting_engaged_play_time_ratio text, virtual_event_id text)
LANGUAGE sql STABLE AS $$
    WITH s AS (
        SELECT * FROM rr_sessions(p_from, p_to, p_entry_ids, p_cue_point_ids, p_virtual_event_ids, p_parent_entry_ids)
    ), a AS (
        SELECT room_id, session_id, count(*) AS users, max(upper(presence)) AS present_until,
               sum(heartbeats)::bigint AS heartbeats, sum(engaged_heartbeats)::bigint AS engaged
        FROM rr_attendance(p_from, p_to, p_entry_ids, p_user_ids, p_cue_point_ids, p_virtual_event_ids, p_parent_entry_ids)
        GROUP BY room_id, session_id
    )
    SELECT s.room_id, s.title, s.parent_room_id, s.session_id, rr_unix(s.started_at),
           rr_unix(greatest(s.last_at, a.present_until)), s.host_user_id, coalesce(a.users, 0)::text,
           rr_rate(a.engaged, a.heartbeats), ''
    FROM s LEFT JOIN a ON a.room_id = s.room_id AND a.session_id = s.session_id
    WHERE cardinality(p_user_ids) = 0 OR a.users > 0
    ORDER BY s.started_at, s.room_id, s.session_id
$$;

-- Attendees data: one row per user per room session.
CREATE FUNCTION custom_attendees_data(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_user_ids text[],
                                      p_cue_point_ids text[], p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS TABLE (entry_id text, cue_point_id text, user_id text, user_name text, user_email text, role text,
               company text, industry text, country text, device text, first_join_time text, last_leave_time text,
               minutes_viewed text, engagement_rate text, reactions text, chat_messages text, raised_hands text,
               polls_answered text, qa_threads text, downloads text)
LANGUAGE sql STABLE AS $$
    WITH a AS (
        SELECT * FROM rr_attendance(p_from, p_to, p_entry_ids, p_user_ids, p_cue_point_ids, p_virtual_event_ids,
                                    p_parent_entry_ids)
    ), bounds AS (
        SELECT min(lower(presence)) AS low, max(upper(presence)) AS high FROM a
    ), c AS (
        SELECT e.room_id, e.session_id, coalesce(e.user_id, e.participant_id) AS user_key,
               (array_agg(e.body ORDER BY e.at DESC) FILTER (WHERE e.kind = 'join'))[1] AS profile,
               count(*) FILTER (WHERE e.kind = 'reaction') AS reactions,
               count(*) FILTER (WHERE e.kind IN ('chat.send', 'chat.reply')) AS chats,
               count(*) FILTER (WHERE e.kind = 'hand' AND e.value = 1) AS hands,
               count(DISTINCT e.subject_id) FILTER (WHERE e.kind = 'poll.answer') AS polls,
               count(DISTINCT e.subject_id) FILTER (WHERE e.kind = 'qa.ask') AS threads,
               count(*) FILTER (WHERE e.kind = 'download') AS downloads
        FROM telemetry_events e, bounds
        WHERE e.at >= bounds.low - rr_session_reach() AND e.at <= bounds.high
          AND e.kind IN ('join', 'reaction', 'chat.send', 'chat.reply', 'hand', 'poll.answer', 'qa.ask', 'download')
          AND (cardinality(p_entry_ids) = 0 OR e.room_id = ANY (p_entry_ids))
          AND (cardinality(p_user_ids) = 0 OR coalesce(e.user_id, e.participant_id) = ANY (p_user_ids))
        GROUP BY 1, 2, 3
    )
    SELECT a.room_id, a.session_id, a.user_key, c.profile->>'display', c.profile->>'email', c.profile->>'role',
           c.profile->>'company', c.profile->>'industry', c.profile->>'country', c.profile->>'device',
           rr_unix(lower(a.presence)), rr_unix(upper(a.presence)), rr_minutes(rr_multirange_seconds(a.presence)),
           rr_rate(a.engaged_heartbeats, a.heartbeats), coalesce(c.reactions, 0)::text, coalesce(c.chats, 0)::text,
           coalesce(c.hands, 0)::text, coalesce(c.polls, 0)::text, coalesce(c.threads, 0)::text,
           coalesce(c.downloads, 0)::text
    FROM a LEFT JOIN c ON c.room_id = a.room_id AND c.session_id = a.session_id AND c.user_key = a.user_key
    ORDER BY lower(a.presence), a.room_id, a.session_id, a.user_key
$$;

-- Breakout room sessions: one row per breakout session, with its parent room.
CREATE FUNCTION custom_breakout_sessions(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_user_ids text[],
                                         p_cue_point_ids text[], p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS TABLE (parent_entry_id text, entry_id text, entry_name text, cue_point_id text, opened_by text,
               session_start_time text, session_end_time text, unique_users text, minutes_viewed text)
LANGUAGE sql STABLE AS $$
    WITH s AS (
        SELECT * FROM rr_sessions(p_from, p_to, p_entry_ids, p_cue_point_ids, p_virtual_event_ids, p_parent_entry_ids)
        WHERE parent_room_id IS NOT NULL
    ), a AS (
        SELECT room_id, session_id, count(*) AS users, max(upper(presence)) AS present_until,
               sum(rr_multirange_seconds(presence)) AS seconds
        FROM rr_attendance(p_from, p_to, p_entry_ids, p_user_ids, p_cue_point_ids, p_virtual_event_ids, p_parent_entry_ids)
        GROUP BY room_id, session_id
    )
    SELECT s.parent_room_id, s.room_id, s.title, s.session_id, s.opened_by, rr_unix(s.started_at),
           rr_unix(greatest(s.last_at, a.present_until)), coalesce(a.users, 0)::text, rr_minutes(coalesce(a.seconds, 0))
    FROM s LEFT JOIN a ON a.room_id = s.room_id AND a.session_id = s.session_id
    WHERE cardinality(p_user_ids) = 0 OR a.users > 0
    ORDER BY s.started_at, s.room_id, s.session_id
$$;

-- The rows of those sessions a chat report reads: messages and what happened to them.
CREATE FUNCTION rr_chat_rows(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_cue_point_ids text[],
                             p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS SETOF telemetry_events
LANGUAGE sql STABLE AS $$
    SELECT e.* FROM telemetry_events e
    JOIN rr_sessions(p_from, p_to, p_entry_ids, p_cue_point_ids, p_virtual_event_ids, p_parent_entry_ids) s
      ON s.room_id = e.room_id AND s.session_id = e.session_id
    WHERE e.at >= p_from - rr_session_reach() AND e.at < p_to + rr_session_reach()
      AND e.kind IN ('join', 'chat.send', 'chat.reply', 'chat.like', 'chat.delete', 'moderation')
$$;

-- Group chat transcripts: one row per message (deleted ones too, marked), in the order sent.
-- Author name and role: from the latest join of the author's participant in that session.
CREATE FUNCTION custom_chat_transcripts(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_user_ids text[],
                                        p_cue_point_ids text[], p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS TABLE (entry_id text, cue_point_id text, message_id text, sent_at text, user_id text, user_name text,
               role text, context text, reply_to text, text text, likes text, deleted text)
LANGUAGE sql STABLE AS $$
    WITH r AS MATERIALIZED (
        SELECT * FROM rr_chat_rows(p_from, p_to, p_entry_ids, p_cue_point_ids, p_virtual_event_ids, p_parent_entry_ids)
    ), m AS (
        SELECT * FROM r WHERE kind IN ('chat.send', 'chat.reply')
          AND (cardinality(p_user_ids) = 0 OR coalesce(user_id, participant_id) = ANY (p_user_ids))
    ), fate AS (
        SELECT room_id, session_id, subject_id, max(value) FILTER (WHERE kind = 'chat.like') AS likes,
               bool_or(kind = 'chat.delete') AS deleted
        FROM r WHERE kind IN ('chat.like', 'chat.delete') GROUP BY 1, 2, 3
    )
    SELECT m.room_id, m.session_id, m.subject_id, rr_iso(m.at), coalesce(m.user_id, m.participant_id),
           j.body->>'display', j.body->>'role', m.body->>'context', m.body->>'reply_to', m.body->>'text',
           coalesce(f.likes, 0)::text, CASE WHEN coalesce(f.deleted, false) THEN 'true' ELSE 'false' END
    FROM m
    LEFT JOIN fate f ON f.room_id = m.room_id AND f.session_id = m.session_id AND f.subject_id = m.subject_id
    LEFT JOIN (
        SELECT DISTINCT ON (room_id, session_id, participant_id) room_id, session_id, participant_id, body
        FROM r WHERE kind = 'join' ORDER BY room_id, session_id, participant_id, at DESC
    ) j ON j.room_id = m.room_id AND j.session_id = m.session_id AND j.participant_id = m.participant_id
    ORDER BY m.at, m.subject_id
$$;

-- Chat moderation: one row per message that has a moderation thread: its first and last state
-- changes, owner after the last one, and the actions in order (space-separated).
CREATE FUNCTION custom_chat_moderation(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_user_ids text[],
                                       p_cue_point_ids text[], p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS TABLE (entry_id text, cue_point_id text, message_id text, message_text text, author_user_id text,
               flagged_at text, state text, owner text, first_claimed_at text, resolved_at text, done_at text,
               actions text)
LANGUAGE sql STABLE AS $$
    WITH r AS MATERIALIZED (
        SELECT * FROM rr_chat_rows(p_from, p_to, p_entry_ids, p_cue_point_ids, p_virtual_event_ids, p_parent_entry_ids)
    ), threads AS (
        SELECT room_id, session_id, subject_id, min(at) AS flagged_at,
               (array_agg(body->>'state' ORDER BY at DESC))[1] AS state,
               (array_agg(body->>'owner' ORDER BY at DESC))[1] AS owner,
               min(at) FILTER (WHERE body->>'state' = 'owned') AS claimed_at,
               min(at) FILTER (WHERE body->>'state' = 'resolved') AS resolved_at,
               min(at) FILTER (WHERE body->>'state' = 'done') AS done_at,
               string_agg(body->>'action', ' ' ORDER BY at) AS actions
        FROM r WHERE kind = 'moderation' GROUP BY 1, 2, 3
    ), m AS (
        SELECT DISTINCT ON (room_id, session_id, subject_id) room_id, session_id, subject_id, body->>'text' AS text,
               coalesce(user_id, participant_id) AS author
        FROM r WHERE kind IN ('chat.send', 'chat.reply') ORDER BY room_id, session_id, subject_id, at
    )
    SELECT t.room_id, t.session_id, t.subject_id, m.text, m.author, rr_iso(t.flagged_at), t.state, t.owner,
           rr_iso(t.claimed_at), rr_iso(t.resolved_at), rr_iso(t.done_at), t.actions
    FROM threads t
    LEFT JOIN m ON m.room_id = t.room_id AND m.session_id = t.session_id AND m.subject_id = t.subject_id
    WHERE cardinality(p_user_ids) = 0 OR m.author = ANY (p_user_ids)
    ORDER BY t.flagged_at, t.subject_id
$$;
