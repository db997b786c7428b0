#include "analytics/core/custom_report_columns.hpp"

namespace roomrec::analytics {

namespace {

constexpr CsvColumnKind T = CsvColumnKind::Typed;
constexpr CsvColumnKind U = CsvColumnKind::UserText;

} // namespace

const std::vector<CsvColumn> &custom_report_columns(CustomReport report) {
    static const std::vector<CsvColumn> room_data = {
        {"entry_id", "Room ID", T},
        {"entry_name", "Room name", U},
        {"parent_entry_id", "Parent room ID", T},
        {"cue_point_id", "Session ID", T},
        {"session_start_time", "Session start (unix time)", T},
        {"session_end_time", "Session end (unix time)", T},
        {"session_host_user_id", "Session host user ID", T},
        {"meeting_view_period_unique_users", "Unique users", T},
        {"meeting_engaged_play_time_ratio", "Engagement rate", T},
        {"virtual_event_id", "Virtual event ID", T},
    };
    static const std::vector<CsvColumn> attendees_data = {
        {"entry_id", "Room ID", T},
        {"cue_point_id", "Session ID", T},
        {"user_id", "User ID", T},
        {"user_name", "User name", U},
        {"user_email", "Email", U},
        {"role", "Role", T},
        {"company", "Company", U},
        {"industry", "Industry", U},
        {"country", "Country", U},
        {"device", "Device", T},
        {"first_join_time", "First join (unix time)", T},
        {"last_leave_time", "Last leave (unix time)", T},
        {"minutes_viewed", "Minutes viewed", T},
        {"engagement_rate", "Engagement rate", T},
        {"reactions", "Reactions", T},
        {"chat_messages", "Chat messages", T},
        {"raised_hands", "Raised hands", T},
        {"polls_answered", "Polls answered", T},
        {"qa_threads", "Q&A threads", T},
        {"downloads", "Downloads", T},
    };
    static const std::vector<CsvColumn> breakout_sessions = {
        {"parent_entry_id", "Parent room ID", T},
        {"entry_id", "Breakout room ID", T},
        {"entry_name", "Breakout room name", U},
        {"cue_point_id", "Session ID", T},
        {"opened_by", "Opened by (user ID)", T},
        {"session_start_time", "Session start (unix time)", T},
        {"session_end_time", "Session end (unix time)", T},
        {"unique_users", "Unique users", T},
        {"minutes_viewed", "Minutes viewed (total)", T},
    };
    static const std::vector<CsvColumn> chat_transcripts = {
        {"entry_id", "Room ID", T},
        {"cue_point_id", "Session ID", T},
        {"message_id", "Message ID", T},
        {"sent_at", "Sent at (UTC)", T},
        {"user_id", "User ID", T},
        {"user_name", "User name", U},
        {"role", "Role", T},
        {"context", "Context", T},
        {"reply_to", "Reply to (message ID)", T},
        {"text", "Message", U},
        {"likes", "Likes", T},
        {"deleted", "Deleted", T},
    };
    static const std::vector<CsvColumn> chat_moderation = {
        {"entry_id", "Room ID", T},
        {"cue_point_id", "Session ID", T},
        {"message_id", "Message ID", T},
        {"message_text", "Message", U},
        {"author_user_id", "Author user ID", T},
        {"flagged_at", "Flagged at (UTC)", T},
        {"state", "State", T},
        {"owner", "Owner (user ID)", T},
        {"first_claimed_at", "First claimed at (UTC)", T},
        {"resolved_at", "Resolved at (UTC)", T},
        {"done_at", "Done at (UTC)", T},
        {"actions", "Actions", T},
    };
    switch (report) {
    case CustomReport::RoomData: return room_data;
    case CustomReport::AttendeesData: return attendees_data;
    case CustomReport::BreakoutSessions: return breakout_sessions;
    case CustomReport::ChatTranscripts: return chat_transcripts;
    case CustomReport::ChatModeration: return chat_moderation;
    }
    return room_data;
}

std::string custom_report_function(CustomReport report) { return std::string("custom_") + custom_report_name(report); }

} // namespace roomrec::analytics
