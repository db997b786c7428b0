// Recording mails (issue 14): a recording stored after its room session ended (the host closed
// it, the host-leave timeout, the session cap, a Janus shutdown, or a crash the recording was
// recovered from) was never announced in the room: everyone had been removed before the file
// was stored. Its owner and initiator get one mail each (one when they are the same address),
// sent only to addresses a signed join token vouched for (email=). A recording stopped while
// its session goes on is announced in the room and mailed to nobody. The mail carries the
// recording's title, room, duration and a link to the recordings library page: no file link,
// no secret. Pure.
#pragma once

#include "storage/core/delivery_event.hpp"
#include "storage/core/email_message.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace roomrec::storage {

struct RecordingMail {
    std::string recording_id, room_id;
    std::string title; // the room's title when it started; may be empty
    std::string to;
    std::string link;        // the recordings library page for this recording (absolute URL)
    int64_t duration_ms = 0; // 0: not known
};

// True for the stop reasons after which nobody in the room heard `available`.
bool ended_with_its_session(const std::string &reason);

// "<library_url>?room=<room>&recording=<id>"; library_url is links.public_url + "/library/".
std::string recording_library_link(const std::string &library_url, const std::string &room_id,
                                   const std::string &recording_id);

// The mails a recording.available event asks for: none without a library_url (this node has
// no SMTP or no public links), for another event or a recording stopped while its session went
// on; else one per distinct valid address of its owner and initiator, the owner's first.
std::vector<RecordingMail> recording_mails(const DeliveryEvent &event, const std::string &library_url);

// "" when acceptable, else why (values never quoted: an address is personal data).
std::string recording_mail_error(const RecordingMail &mail);
std::string recording_mail_payload(const RecordingMail &mail);
std::optional<RecordingMail> recording_mail_from_payload(const std::string &payload, std::string &error);
// Outbox job id: derived from the recording and the recipient's place, so planning twice adds nothing.
std::string recording_mail_job_id(const RecordingMail &mail, size_t index);

// "1 h 02 min", "12 min 05 s", "45 s" (at least "1 s" for any positive duration)
std::string spoken_duration(int64_t duration_ms);
// The mail's subject and text (From filled with `from`).
EmailContent recording_mail_content(const RecordingMail &mail, const std::string &from);

} // namespace roomrec::storage
