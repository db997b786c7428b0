-- Custom CSV reports (SPEC A7, A8): the five report queries as SQL functions. Applied by
-- storage/db/migrations.cpp inside one transaction: no BEGIN/COMMIT here.
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

-- The definitions (presence, minutes viewed, engagement, counts, session span, title, parent,
-- host) are 003's, written once there and in docs/ANALYTICS.md: these reports select sessions
-- and format. They read report_attendees, which 003's rollup refresh fills with those
-- functions' figures (one row per user and session): a month of sessions is a range of that
-- table, not every heartbeat.

-- Attendance per user and room session of the sessions (cue points) that started in
-- [p_from, p_to), filtered by room, session and parent, with the session's facts. Users filter
-- the rows, never a session's facts or span.
CREATE FUNCTION rr_attendance(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_user_ids text[],
                              p_cue_point_ids text[], p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS TABLE (room_id text, session_id text, user_key text, first_at timestamptz, last_at timestamptz,
               seconds double precision, heartbeats bigint, engaged_heartbeats bigint, reactions bigint,
               chat_messages bigint, raised_hands bigint, polls_answered bigint, qa_threads bigint, downloads bigint,
               profile jsonb, session_started_at timestamptz, session_ended_at timestamptz, session_title text,
               parent_room_id text, session_host text, opened_by text)
LANGUAGE sql STABLE AS $$
    SELECT a.room_id, a.session_id, a.user_key, a.first_at, a.last_at, a.seconds, a.heartbeats, a.engaged,
           a.reactions, a.chat_messages, a.raised_hands, a.polls_answered, a.qa_threads, a.downloads, a.body,
           a.session_started_at, a.session_ended_at, coalesce(a.title, ''), a.parent, a.host, a.opened_by
    FROM report_attendees a
    WHERE a.session_started_at >= p_from AND a.session_started_at < p_to
      AND cardinality(p_virtual_event_ids) = 0
      AND (cardinality(p_entry_ids) = 0 OR a.room_id = ANY (p_entry_ids))
      AND (cardinality(p_cue_point_ids) = 0 OR a.session_id = ANY (p_cue_point_ids))
      AND (cardinality(p_parent_entry_ids) = 0 OR a.parent = ANY (p_parent_entry_ids))
      AND (cardinality(p_user_ids) = 0 OR a.user_key = ANY (p_user_ids))
$$;

-- Times in the reports: unix seconds for session/presence times, ISO 8601 UTC for chat (report_ts).
CREATE FUNCTION rr_unix(at timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT floor(extract(epoch FROM at))::bigint::text $$;
-- Engagement rate, 0-1 with 4 decimals; empty when there was no heartbeat.
CREATE FUNCTION rr_rate(engaged bigint, total bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN total > 0 THEN round(engaged::numeric / total, 4)::text END
$$;
-- Minutes with 2 decimals.
CREATE FUNCTION rr_minutes(seconds double precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT round((seconds / 60)::numeric, 2)::text $$;

-- Room data: one row per room session (main rooms and breakouts). With user ids: the sessions
-- where one of them was present, and the figures over them.
CREATE FUNCTION custom_room_data(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_user_ids text[],
                                 p_cue_point_ids text[], p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS TABLE (entry_id text, entry_name text, parent_entry_id text, cue_point_id text, session_start_time text,
               session_end_time text, session_host_user_id text, meeting_view_period_unique_users text,
               meeting_engaged_play_time_ratio text, virtual_event_id text)
LANGUAGE sql STABLE AS $$
    SELECT room_id, session_title, parent_room_id, session_id, rr_unix(session_started_at), rr_unix(session_ended_at),
           session_host, count(*)::text, rr_rate(sum(engaged_heartbeats)::bigint, sum(heartbeats)::bigint), ''
    FROM rr_attendance(p_from, p_to, p_entry_ids, p_user_ids, p_cue_point_ids, p_virtual_event_ids, p_parent_entry_ids)
    GROUP BY room_id, session_id, session_started_at, session_ended_at, session_title, parent_room_id, session_host
    ORDER BY session_started_at, room_id, session_id
$$;

-- Attendees data: one row per user per room session.
CREATE FUNCTION custom_attendees_data(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_user_ids text[],
                                      p_cue_point_ids text[], p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS TABLE (entry_id text, cue_point_id text, user_id text, user_name text, user_email text, role text,
               company text, industry text, country text, device text, first_join_time text, last_leave_time text,
               minutes_viewed text, engagement_rate text, reactions text, chat_messages text, raised_hands text,
               polls_answered text, qa_threads text, downloads text)
LANGUAGE sql STABLE AS $$
    SELECT room_id, session_id, user_key, profile->>'display', profile->>'email', profile->>'role',
           profile->>'company', profile->>'industry', profile->>'country', profile->>'device',
           rr_unix(first_at), rr_unix(last_at), rr_minutes(seconds),
           rr_rate(engaged_heartbeats, heartbeats), reactions::text, chat_messages::text, raised_hands::text,
           polls_answered::text, qa_threads::text, downloads::text
    FROM rr_attendance(p_from, p_to, p_entry_ids, p_user_ids, p_cue_point_ids, p_virtual_event_ids, p_parent_entry_ids)
    ORDER BY session_started_at, room_id, session_id, first_at, user_key
$$;

-- Breakout room sessions: one row per breakout session, with its parent room.
CREATE FUNCTION custom_breakout_sessions(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_user_ids text[],
                                         p_cue_point_ids text[], p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS TABLE (parent_entry_id text, entry_id text, entry_name text, cue_point_id text, opened_by text,
               session_start_time text, session_end_time text, unique_users text, minutes_viewed text)
LANGUAGE sql STABLE AS $$
    SELECT parent_room_id, room_id, session_title, session_id, opened_by, rr_unix(session_started_at),
           rr_unix(session_ended_at), count(*)::text, rr_minutes(sum(seconds))
    FROM rr_attendance(p_from, p_to, p_entry_ids, p_user_ids, p_cue_point_ids, p_virtual_event_ids, p_parent_entry_ids)
    WHERE parent_room_id IS NOT NULL
    GROUP BY room_id, session_id, session_started_at, session_ended_at, session_title, parent_room_id, opened_by
    ORDER BY session_started_at, room_id, session_id
$$;

-- The rows of those sessions a chat report reads: messages and what happened to them.
CREATE FUNCTION rr_chat_rows(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_cue_point_ids text[],
                             p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS SETOF report_events
LANGUAGE sql STABLE AS $$
    SELECT e.* FROM report_events e
    JOIN (SELECT DISTINCT a.room_id, a.session_id
          FROM rr_attendance(p_from, p_to, p_entry_ids, '{}', p_cue_point_ids, p_virtual_event_ids,
                             p_parent_entry_ids) a) s
      ON s.room_id = e.room_id AND s.session_id = e.session_id
    WHERE e.kind IN ('join', 'chat.send', 'chat.reply', 'chat.like', 'chat.delete', 'moderation')
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
          AND (cardinality(p_user_ids) = 0 OR user_key = ANY (p_user_ids))
    ), fate AS (
        SELECT room_id, session_id, subject_id, max(value) FILTER (WHERE kind = 'chat.like') AS likes,
               bool_or(kind = 'chat.delete') AS deleted
        FROM r WHERE kind IN ('chat.like', 'chat.delete') GROUP BY 1, 2, 3
    )
    SELECT m.room_id, m.session_id, m.subject_id, report_ts(m.at), m.user_key,
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
               -- The plugin writes a flag as {"state": "pending"} with no action (the action
               -- names the moderator's move): a row without one is the flag.
               string_agg(coalesce(body->>'action', 'flag'), ' ' ORDER BY at) AS actions
        FROM r WHERE kind = 'moderation' GROUP BY 1, 2, 3
    ), m AS (
        SELECT DISTINCT ON (room_id, session_id, subject_id) room_id, session_id, subject_id, body->>'text' AS text,
               user_key AS author
        FROM r WHERE kind IN ('chat.send', 'chat.reply') ORDER BY room_id, session_id, subject_id, at
    )
    SELECT t.room_id, t.session_id, t.subject_id, m.text, m.author, report_ts(t.flagged_at), t.state, t.owner,
           report_ts(t.claimed_at), report_ts(t.resolved_at), report_ts(t.done_at), t.actions
    FROM threads t
    LEFT JOIN m ON m.room_id = t.room_id AND m.session_id = t.session_id AND m.subject_id = t.subject_id
    WHERE cardinality(p_user_ids) = 0 OR m.author = ANY (p_user_ids)
    ORDER BY t.flagged_at, t.subject_id
$$;
