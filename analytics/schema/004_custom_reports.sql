-- Custom CSV reports (SPEC A7, A8): the five report queries as SQL functions, and the
-- definitions they share (engaged heartbeat, presence, a session's members, attendance), each written once
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
-- heartbeat + 25 s, or its join + 25 s when it sent none. Never before the join (a range must
-- not run backwards, whatever clocks wrote).
CREATE FUNCTION rr_presence_end(joined_at timestamptz, left_at timestamptz, last_heartbeat_at timestamptz)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT greatest(joined_at, coalesce(left_at, greatest(joined_at, last_heartbeat_at) + interval '25 seconds'))
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

-- The participants of the room sessions (cue points) that started in [p_from, p_to), one row
-- per participant (the plugin draws a new participant id for every join), with what the
-- reports count and their session's attributes, from ONE pass over the raw rows:
--   presence    from the join to rr_presence_end(join, leave, last heartbeat)
--   heartbeats  all and engaged (rr_heartbeat_engaged)
--   reactions, chat_messages (chat.send + chat.reply, deleted ones included: they were sent),
--   raised_hands (hand raised, not lowered), polls answered, qa_threads (questions asked;
--   rr_attendance adds the threads a user answered), qa_answers (answers given), downloads
--   profile     the join's body (display, email, role, company, industry, country, device...)
-- Session: start = its first row; last_at = its last row; present_until = its last presence
-- end; title = the latest join's (else the breakout.open's); parent = the breakout.open's
-- subject (else a join's parent); host = user key of its first join with role host; opened_by
-- = the breakout.open's. Sessions are filtered by room, session and parent; users are not (the
-- session's figures do not depend on who is asked for).
CREATE FUNCTION rr_session_members(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_cue_point_ids text[],
                                   p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS TABLE (room_id text, session_id text, participant_id text, user_key text, joined_at timestamptz,
               present_until timestamptz, heartbeats bigint, engaged_heartbeats bigint, reactions bigint,
               chat_messages bigint, raised_hands bigint, polls_answered bigint, qa_threads bigint, qa_answers bigint,
               downloads bigint, profile jsonb, session_started_at timestamptz, session_last_at timestamptz,
               session_present_until timestamptz, session_title text, parent_room_id text, session_host text,
               opened_by text)
LANGUAGE sql STABLE AS $$
    WITH g AS (
        -- Only plain aggregates (no array_agg, ordered or DISTINCT ones): the grouping stays
        -- one hash aggregate instead of sorting a month of rows.
        SELECT e.room_id, e.session_id, e.participant_id,
               min(coalesce(e.user_id, e.participant_id)) AS user_key,
               min(e.at) AS first_at, max(e.at) AS last_at,
               min(e.at) FILTER (WHERE e.kind = 'join') AS joined_at,
               min(e.at) FILTER (WHERE e.kind = 'leave') AS left_at,
               max(e.at) FILTER (WHERE e.kind = 'heartbeat') AS last_heartbeat_at,
               count(*) FILTER (WHERE e.kind = 'heartbeat') AS heartbeats,
               count(*) FILTER (WHERE e.kind = 'heartbeat' AND rr_heartbeat_engaged(e.value)) AS engaged,
               count(*) FILTER (WHERE e.kind = 'reaction') AS reactions,
               count(*) FILTER (WHERE e.kind IN ('chat.send', 'chat.reply')) AS chats,
               count(*) FILTER (WHERE e.kind = 'hand' AND e.value = 1) AS hands,
               -- a user answers a poll once (domain/room_activity refuses more); a question
               -- id is asked once
               count(*) FILTER (WHERE e.kind = 'poll.answer') AS polls,
               count(*) FILTER (WHERE e.kind = 'qa.ask') AS questions,
               count(*) FILTER (WHERE e.kind = 'qa.answer') AS answers,
               count(*) FILTER (WHERE e.kind = 'download') AS downloads,
               -- one join per participant, one breakout.open per session
               max(e.body::text) FILTER (WHERE e.kind = 'join')::jsonb AS profile,
               max(e.subject_id) FILTER (WHERE e.kind = 'breakout.open') AS opened_parent,
               max(e.body::text) FILTER (WHERE e.kind = 'breakout.open')::jsonb AS opened
        FROM telemetry_events e
        WHERE e.at >= p_from - rr_session_reach() AND e.at < p_to + rr_session_reach() AND e.session_id <> ''
          AND (cardinality(p_entry_ids) = 0 OR e.room_id = ANY (p_entry_ids))
          AND (cardinality(p_cue_point_ids) = 0 OR e.session_id = ANY (p_cue_point_ids))
          AND cardinality(p_virtual_event_ids) = 0
        GROUP BY e.room_id, e.session_id, e.participant_id
    ), m AS (
        SELECT g.*, rr_presence_end(g.joined_at, g.left_at, g.last_heartbeat_at) AS present_until,
               min(g.first_at) OVER s AS session_started_at,
               max(g.last_at) OVER s AS session_last_at,
               max(rr_presence_end(g.joined_at, g.left_at, g.last_heartbeat_at)) OVER s AS session_present_until,
               coalesce(first_value(g.profile->>'title') OVER latest_join, max(g.opened->>'title') OVER s, '') AS title,
               coalesce(max(g.opened_parent) OVER s, max(g.profile->>'parent') OVER s) AS parent_room_id,
               first_value(CASE WHEN g.profile->>'role' = 'host' THEN g.user_key END) OVER first_host AS host,
               max(g.opened->>'opened_by') OVER s AS opened_by
        FROM g
        WINDOW s AS (PARTITION BY g.room_id, g.session_id),
               latest_join AS (PARTITION BY g.room_id, g.session_id
                               ORDER BY g.profile ? 'title' DESC NULLS LAST, g.joined_at DESC NULLS LAST
                               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
               first_host AS (PARTITION BY g.room_id, g.session_id
                              ORDER BY g.profile->>'role' = 'host' DESC NULLS LAST, g.joined_at
                              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    )
    SELECT m.room_id, m.session_id, m.participant_id, m.user_key, m.joined_at, m.present_until, m.heartbeats,
           m.engaged, m.reactions, m.chats, m.hands,
           m.polls, m.questions, m.answers,
           m.downloads, m.profile, m.session_started_at, m.session_last_at, m.session_present_until, m.title,
           m.parent_room_id, m.host, m.opened_by
    FROM m
    WHERE m.participant_id IS NOT NULL AND m.joined_at IS NOT NULL
      AND m.session_started_at >= p_from AND m.session_started_at < p_to
      AND (cardinality(p_parent_entry_ids) = 0 OR m.parent_room_id = ANY (p_parent_entry_ids))
$$;

-- A user's Q&A threads in a session: the distinct threads they asked or answered in
-- (docs/ANALYTICS.md, as the dashboard counts them). Asked only for users who answered (hosts,
-- moderators, speakers): anyone else's threads are their questions, each asked once, which the
-- single pass of rr_session_members already counts.
CREATE FUNCTION rr_user_qa_threads(p_room text, p_session text, p_user text, p_started timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT count(DISTINCT e.subject_id) FROM telemetry_events e
    WHERE e.at >= p_started AND e.at < p_started + rr_session_reach()
      AND e.room_id = p_room AND e.session_id = p_session AND coalesce(e.user_id, e.participant_id) = p_user
      AND e.kind IN ('qa.ask', 'qa.answer')
$$;

-- Attendance per user and session: the user's participants (devices, rejoins) merged, so
-- overlapping presence counts once; counts summed; the profile of the user's latest join. Users are coalesce(user_id,
-- participant_id). Carries the session's attributes (rr_session_members).
CREATE FUNCTION rr_attendance(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_user_ids text[],
                              p_cue_point_ids text[], p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS TABLE (room_id text, session_id text, user_key text, presence tstzmultirange, heartbeats bigint,
               engaged_heartbeats bigint, reactions bigint, chat_messages bigint, raised_hands bigint,
               polls_answered bigint, qa_threads bigint, downloads bigint, profile jsonb,
               session_started_at timestamptz, session_ended_at timestamptz, session_title text,
               parent_room_id text, session_host text, opened_by text)
LANGUAGE sql STABLE AS $$
    SELECT room_id, session_id, user_key, range_agg(tstzrange(joined_at, present_until)), sum(heartbeats)::bigint,
           sum(engaged_heartbeats)::bigint, sum(reactions)::bigint, sum(chat_messages)::bigint,
           sum(raised_hands)::bigint, sum(polls_answered)::bigint,
           CASE WHEN sum(qa_answers) = 0 THEN sum(qa_threads)::bigint
                ELSE rr_user_qa_threads(room_id, session_id, user_key, session_started_at) END,
           sum(downloads)::bigint,
           (array_agg(profile ORDER BY joined_at DESC))[1], session_started_at,
           greatest(session_last_at, session_present_until), session_title, parent_room_id, session_host, opened_by
    FROM rr_session_members(p_from, p_to, p_entry_ids, p_cue_point_ids, p_virtual_event_ids, p_parent_entry_ids)
    WHERE cardinality(p_user_ids) = 0 OR user_key = ANY (p_user_ids)
    GROUP BY room_id, session_id, user_key, session_started_at, session_last_at, session_present_until, session_title,
             parent_room_id, session_host, opened_by
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
           rr_unix(lower(presence)), rr_unix(upper(presence)), rr_minutes(rr_multirange_seconds(presence)),
           rr_rate(engaged_heartbeats, heartbeats), reactions::text, chat_messages::text, raised_hands::text,
           polls_answered::text, qa_threads::text, downloads::text
    FROM rr_attendance(p_from, p_to, p_entry_ids, p_user_ids, p_cue_point_ids, p_virtual_event_ids, p_parent_entry_ids)
    ORDER BY session_started_at, room_id, session_id, lower(presence), user_key
$$;

-- Breakout room sessions: one row per breakout session, with its parent room.
CREATE FUNCTION custom_breakout_sessions(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_user_ids text[],
                                         p_cue_point_ids text[], p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS TABLE (parent_entry_id text, entry_id text, entry_name text, cue_point_id text, opened_by text,
               session_start_time text, session_end_time text, unique_users text, minutes_viewed text)
LANGUAGE sql STABLE AS $$
    SELECT parent_room_id, room_id, session_title, session_id, opened_by, rr_unix(session_started_at),
           rr_unix(session_ended_at), count(*)::text, rr_minutes(sum(rr_multirange_seconds(presence)))
    FROM rr_attendance(p_from, p_to, p_entry_ids, p_user_ids, p_cue_point_ids, p_virtual_event_ids, p_parent_entry_ids)
    WHERE parent_room_id IS NOT NULL
    GROUP BY room_id, session_id, session_started_at, session_ended_at, session_title, parent_room_id, opened_by
    ORDER BY session_started_at, room_id, session_id
$$;

-- The rows of those sessions a chat report reads: messages and what happened to them.
CREATE FUNCTION rr_chat_rows(p_from timestamptz, p_to timestamptz, p_entry_ids text[], p_cue_point_ids text[],
                             p_virtual_event_ids text[], p_parent_entry_ids text[])
RETURNS SETOF telemetry_events
LANGUAGE sql STABLE AS $$
    SELECT e.* FROM telemetry_events e
    JOIN (SELECT DISTINCT room_id, session_id
          FROM rr_session_members(p_from, p_to, p_entry_ids, p_cue_point_ids, p_virtual_event_ids, p_parent_entry_ids)) s
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
               -- The plugin writes a flag as {"state": "pending"} with no action (the action
               -- names the moderator's move): a row without one is the flag.
               string_agg(coalesce(body->>'action', 'flag'), ' ' ORDER BY at) AS actions
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
