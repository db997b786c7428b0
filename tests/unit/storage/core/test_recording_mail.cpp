// Recording mails: who is mailed (session-ending stops only, signed addresses only, one mail per
// address), the job payload's checks, and the mail's words: title, room, duration and the
// library link, nothing else; a hostile title cannot add a header.
#include "storage/core/recording_mail.hpp"

#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static const std::string kLibrary = "https://meet.example.com/library/";

static DeliveryEvent stored(const char *reason, const char *owner_email, const char *initiator_email) {
    DeliveryEvent event;
    event.id = "ev1";
    event.type = DeliveryEventType::RecordingAvailable;
    event.room_id = "weekly";
    event.reason = reason;
    RecordingFacts facts;
    facts.recording_id = "0a1b2c";
    facts.title = "Weekly sync";
    facts.owner = "alice";
    facts.initiator = "bob";
    facts.owner_email = owner_email;
    facts.initiator_email = initiator_email;
    facts.duration_ms = 754'400;
    facts.file_path = "/srv/rec/weekly/Recordings/Weekly sync.mp4";
    facts.location = "weekly/Recordings/Weekly sync.mp4";
    event.recording = facts;
    return event;
}

static void only_session_ending_stops_are_mailed(void **) {
    for (const char *reason : {"session_closed", "host_left_timeout", "max_session_duration", "interrupted"}) {
        assert_true(ended_with_its_session(reason));
        assert_int_equal(recording_mails(stored(reason, "alice@example.com", ""), kLibrary).size(), 1);
    }
    for (const char *reason : {"requested", "max_recording_duration", "failed", ""}) {
        assert_false(ended_with_its_session(reason));
        assert_int_equal(recording_mails(stored(reason, "alice@example.com", ""), kLibrary).size(), 0);
    }
    DeliveryEvent failed = stored("session_closed", "alice@example.com", "");
    failed.type = DeliveryEventType::RecordingFailed;
    assert_int_equal(recording_mails(failed, kLibrary).size(), 0);
    // No library URL: this node has no SMTP or no public links.
    assert_int_equal(recording_mails(stored("session_closed", "alice@example.com", ""), "").size(), 0);
}

static void one_mail_per_address(void **) {
    const auto both = recording_mails(stored("session_closed", "alice@example.com", "bob@example.com"), kLibrary);
    assert_int_equal(both.size(), 2);
    assert_string_equal(both[0].to.c_str(), "alice@example.com"); // the owner first
    assert_string_equal(both[1].to.c_str(), "bob@example.com");
    const auto same = recording_mails(stored("session_closed", "ann@example.com", "ann@example.com"), kLibrary);
    assert_int_equal(same.size(), 1);
    assert_int_equal(recording_mails(stored("session_closed", "", ""), kLibrary).size(), 0);
    // An address that is not one addr-spec is nobody's.
    const auto bad = recording_mails(stored("session_closed", "a@b.c\r\nBcc: x@y.z", "bob@example.com"), kLibrary);
    assert_int_equal(bad.size(), 1);
    assert_string_equal(bad[0].to.c_str(), "bob@example.com");
    assert_string_equal(both[0].link.c_str(), "https://meet.example.com/library/?room=weekly&recording=0a1b2c");
    assert_string_equal(recording_mail_job_id(both[1], 1).c_str(), "recording-mail-0a1b2c-1");
}

static void payload_round_trips_and_is_checked(void **) {
    const RecordingMail mail = recording_mails(stored("session_closed", "alice@example.com", ""), kLibrary)[0];
    std::string error;
    const auto back = recording_mail_from_payload(recording_mail_payload(mail), error);
    assert_true(back.has_value());
    assert_string_equal(back->to.c_str(), "alice@example.com");
    assert_string_equal(back->title.c_str(), "Weekly sync");
    assert_int_equal(back->duration_ms, 754'400);
    assert_string_equal(back->link.c_str(), mail.link.c_str());
    for (const char *payload :
         {"", "[]", "{\"recording\":\"0a\",\"room\":\"weekly\",\"to\":\"a@b.c\",\"link\":\"https://x/\"}",
          "{\"recording\":\"0a\",\"room\":\"weekly\",\"title\":\"t\",\"to\":\"a@b.c, d@e.f\",\"link\":\"https://x/\","
          "\"duration_ms\":1}",
          "{\"recording\":\"0a\",\"room\":\"weekly\",\"title\":\"t\",\"to\":\"a@b.c\",\"link\":\"javascript:x\","
          "\"duration_ms\":1}",
          "{\"recording\":\"../x\",\"room\":\"weekly\",\"title\":\"t\",\"to\":\"a@b.c\",\"link\":\"https://x/\","
          "\"duration_ms\":1}",
          "{\"recording\":\"0a\",\"room\":\"weekly\",\"title\":\"t\",\"to\":\"a@b.c\",\"link\":\"https://x/ y\","
          "\"duration_ms\":1}"}) {
        error.clear();
        assert_false(recording_mail_from_payload(payload, error).has_value());
        assert_false(error.empty());
        assert_true(error.find("a@b.c") == std::string::npos); // no address in a logged error
    }
}

static void durations_are_spoken(void **) {
    assert_string_equal(spoken_duration(45'000).c_str(), "45 s");
    assert_string_equal(spoken_duration(754'400).c_str(), "12 min 34 s");
    assert_string_equal(spoken_duration(3'725'000).c_str(), "1 h 02 min");
    assert_string_equal(spoken_duration(0).c_str(), "0 s");
    assert_string_equal(spoken_duration(300).c_str(), "1 s");
}

static void mail_says_title_room_duration_and_link_only(void **) {
    DeliveryEvent event = stored("host_left_timeout", "alice@example.com", "");
    const RecordingMail mail = recording_mails(event, kLibrary)[0];
    const EmailContent content = recording_mail_content(mail, "rooms@example.com");
    assert_string_equal(content.from.c_str(), "rooms@example.com");
    assert_string_equal(content.to.c_str(), "alice@example.com");
    assert_string_equal(content.subject.c_str(), "Recording available: Weekly sync");
    assert_true(content.body.find("Title: Weekly sync\n") != std::string::npos);
    assert_true(content.body.find("Room: weekly\n") != std::string::npos);
    assert_true(content.body.find("Duration: 12 min 34 s\n") != std::string::npos);
    assert_true(content.body.find("https://meet.example.com/library/?room=weekly&recording=0a1b2c\n") !=
                std::string::npos);
    assert_true(content.body.find("/srv/rec") == std::string::npos); // no node path, no file link
    assert_true(content.body.find(".mp4") == std::string::npos);
    std::string error;
    assert_true(build_email(content, 1767225600, "abc123", error).has_value());
    // Unknown duration: no line; no title: the room names it.
    RecordingMail bare = mail;
    bare.duration_ms = 0;
    bare.title = "";
    const EmailContent plain = recording_mail_content(bare, "rooms@example.com");
    assert_true(plain.body.find("Duration") == std::string::npos);
    assert_string_equal(plain.subject.c_str(), "Recording available: weekly");
}

static void hostile_title_stays_in_its_line(void **) {
    RecordingMail mail = recording_mails(stored("session_closed", "alice@example.com", ""), kLibrary)[0];
    mail.title = "Sync\r\nBcc: thief@example.com\r\n\r\nbody";
    const EmailContent content = recording_mail_content(mail, "rooms@example.com");
    assert_true(content.subject.find('\r') == std::string::npos);
    assert_true(content.subject.find('\n') == std::string::npos);
    std::string error;
    const auto message = build_email(content, 1767225600, "abc123", error);
    assert_true(message.has_value());
    assert_true(message->find("\r\nBcc:") == std::string::npos);
    // A long title is cut in the subject between UTF-8 characters (the text has it whole).
    mail.title = std::string(149, 'x') + "\u00e9\u00e9\u00e9";
    const EmailContent cut = recording_mail_content(mail, "rooms@example.com");
    assert_string_equal(cut.subject.c_str(), ("Recording available: " + std::string(149, 'x') + "\u2026").c_str());
    assert_true(cut.body.find(mail.title) != std::string::npos);
    assert_true(build_email(cut, 1767225600, "abc123", error).has_value());
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(only_session_ending_stops_are_mailed),
        cmocka_unit_test(one_mail_per_address),
        cmocka_unit_test(payload_round_trips_and_is_checked),
        cmocka_unit_test(durations_are_spoken),
        cmocka_unit_test(mail_says_title_room_duration_and_link_only),
        cmocka_unit_test(hostile_title_stays_in_its_line),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
