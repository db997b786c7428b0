#include "storage/delivery/recording_mailer.hpp"

#include "common/json.hpp"
#include "common/random_id.hpp"
#include "storage/core/recording_mail.hpp"

#include <jansson.h>

#include <chrono>

namespace roomrec::storage {

RecordingMailer::RecordingMailer(const std::optional<SmtpSettings> &smtp) {
    if (!smtp) return;
    from_ = smtp->from;
    smtp_.emplace(*smtp);
}

ExportJobResult RecordingMailer::run(const ClaimedJob &job) {
    ExportJobResult result;
    std::string error;
    const auto mail = recording_mail_from_payload(job.payload_json, error);
    if (!mail) {
        result.permanent = true;
        result.error = error;
        return result;
    }
    const std::string what = "recording mail " + job.id;
    if (!smtp_) { // another node may send it, or this one once configured: the mail is kept
        result.error = what + ": SMTP is not configured on this node (smtp.url)";
        return result;
    }
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const auto message = build_email(recording_mail_content(*mail, from_), now, common::random_id(), error);
    if (!message) {
        result.permanent = true;
        result.error = what + ": " + error;
        return result;
    }
    const MailOutcome sent = smtp_->send(mail->to, *message);
    if (sent.result != MailResult::Sent) {
        result.permanent = sent.result == MailResult::Permanent;
        result.error = what + ": " + sent.error;
        return result;
    }
    result.done = true;
    result.notice = "recording_mailed";
    const common::JsonPtr details(
        json_pack("{s:s, s:s}", "room", mail->room_id.c_str(), "recording", mail->recording_id.c_str()));
    result.notice_details = common::json_compact(details);
    return result;
}

} // namespace roomrec::storage
