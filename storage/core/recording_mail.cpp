#include "storage/core/recording_mail.hpp"

#include "common/json.hpp"
#include "storage/core/delivery_input.hpp"

#include <jansson.h>

#include <algorithm>
#include <cstdio>

namespace roomrec::storage {
namespace {

constexpr size_t kMaxTitleBytes = 4096;
constexpr size_t kMaxLinkBytes = 2048;
constexpr size_t kSubjectTitleBytes = 150; // the rest of a long title is in the text

// One line of text: control characters become spaces; at most max_bytes, cut between UTF-8
// characters (an ellipsis marks the cut).
std::string one_line(const std::string &text, size_t max_bytes) {
    std::string line;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        line += byte < 0x20 || byte == 0x7f ? ' ' : c;
    }
    if (line.size() <= max_bytes) return line;
    size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    return line.substr(0, cut) + "\u2026";
}

} // namespace

bool ended_with_its_session(const std::string &reason) {
    // domain::stop_reason_name's session-ending reasons, and the recovery's "interrupted".
    return reason == "session_closed" || reason == "host_left_timeout" || reason == "max_session_duration" ||
           reason == "interrupted";
}

std::string recording_library_link(const std::string &library_url, const std::string &room_id,
                                   const std::string &recording_id) {
    return library_url + "?room=" + room_id + "&recording=" + recording_id;
}

std::vector<RecordingMail> recording_mails(const DeliveryEvent &event, const std::string &library_url) {
    std::vector<RecordingMail> mails;
    if (library_url.empty() || event.type != DeliveryEventType::RecordingAvailable || !event.recording ||
        !ended_with_its_session(event.reason))
        return mails;
    const RecordingFacts &facts = *event.recording;
    for (const std::string *address : {&facts.owner_email, &facts.initiator_email}) {
        if (address->empty() || !email_address_error(*address).empty()) continue;
        bool known = false;
        for (const auto &mail : mails) known = known || mail.to == *address;
        if (known) continue;
        RecordingMail mail{facts.recording_id,
                           event.room_id,
                           facts.title,
                           *address,
                           recording_library_link(library_url, event.room_id, facts.recording_id),
                           facts.duration_ms};
        if (recording_mail_error(mail).empty()) mails.push_back(std::move(mail));
    }
    return mails;
}

std::string recording_mail_error(const RecordingMail &mail) {
    if (!is_plain_id(mail.recording_id)) return "recording mail: the recording id is not a plain identifier";
    if (!is_plain_id(mail.room_id)) return "recording mail: the room id is not a plain identifier";
    if (const std::string why = text_error("recording mail title", mail.title, kMaxTitleBytes); !why.empty())
        return why;
    if (const std::string why = email_address_error(mail.to); !why.empty()) return "recording mail address: " + why;
    if (mail.link.size() > kMaxLinkBytes ||
        !(mail.link.rfind("http://", 0) == 0 || mail.link.rfind("https://", 0) == 0))
        return "recording mail link: must be an http(s) URL of at most 2048 bytes";
    for (const char c : mail.link)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            return "recording mail link: must be printable ASCII without spaces";
    if (mail.duration_ms < 0) return "recording mail duration: negative";
    return "";
}

std::string recording_mail_payload(const RecordingMail &mail) {
    const common::JsonPtr object(json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "recording", mail.recording_id.c_str(),
                                           "room", mail.room_id.c_str(), "title", mail.title.c_str(), "to",
                                           mail.to.c_str(), "link", mail.link.c_str(), "duration_ms",
                                           json_int_t(mail.duration_ms)));
    return common::json_compact(object, JSON_SORT_KEYS);
}

std::optional<RecordingMail> recording_mail_from_payload(const std::string &payload, std::string &error) {
    const common::JsonPtr object(json_loadb(payload.data(), payload.size(), JSON_REJECT_DUPLICATES, nullptr));
    if (!json_is_object(object.get()) || !json_is_integer(json_object_get(object.get(), "duration_ms"))) {
        error = "recording mail payload: not a JSON object with duration_ms";
        return std::nullopt;
    }
    RecordingMail mail;
    mail.recording_id = string_member(object.get(), "recording");
    mail.room_id = string_member(object.get(), "room");
    mail.title = string_member(object.get(), "title");
    mail.to = string_member(object.get(), "to");
    mail.link = string_member(object.get(), "link");
    mail.duration_ms = json_integer_value(json_object_get(object.get(), "duration_ms"));
    error = recording_mail_error(mail);
    if (!error.empty()) return std::nullopt;
    return mail;
}

std::string recording_mail_job_id(const RecordingMail &mail, size_t index) {
    return "recording-mail-" + mail.recording_id + "-" + std::to_string(index);
}

std::string spoken_duration(int64_t duration_ms) {
    // A recording shorter than half a second still lasted: "1 s", never "0 s".
    const int64_t seconds = duration_ms > 0 ? std::max<int64_t>(1, (duration_ms + 500) / 1000) : 0;
    char text[64];
    if (seconds >= 3600)
        std::snprintf(text, sizeof text, "%lld h %02lld min", static_cast<long long>(seconds / 3600),
                      static_cast<long long>(seconds % 3600 / 60));
    else if (seconds >= 60)
        std::snprintf(text, sizeof text, "%lld min %02lld s", static_cast<long long>(seconds / 60),
                      static_cast<long long>(seconds % 60));
    else std::snprintf(text, sizeof text, "%lld s", static_cast<long long>(seconds));
    return text;
}

EmailContent recording_mail_content(const RecordingMail &mail, const std::string &from) {
    const std::string title = one_line(mail.title.empty() ? mail.room_id : mail.title, kMaxTitleBytes);
    EmailContent content;
    content.from = from;
    content.to = mail.to;
    content.subject = "Recording available: " +
                      one_line(mail.title.empty() ? mail.room_id : mail.title, kSubjectTitleBytes);
    content.body = "The recording of \"" + title + "\" is stored. Its meeting ended while it was being recorded, " +
                   "so it was not announced in the room.\n\n" + "Title: " + title + "\nRoom: " + mail.room_id +
                   (mail.duration_ms > 0 ? "\nDuration: " + spoken_duration(mail.duration_ms) : std::string()) +
                   "\n\nFind it in your recordings library:\n\n" + mail.link + "\n";
    return content;
}

} // namespace roomrec::storage
