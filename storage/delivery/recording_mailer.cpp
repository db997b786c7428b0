#include "storage/delivery/recording_mailer.hpp"

#include "common/json.hpp"
#include "storage/core/recording_mail.hpp"

#include <jansson.h>

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
    if (!send_job_mail(*smtp_, mail->to, recording_mail_content(*mail, from_), what, result)) return result;
    result.done = true;
    result.notice = "recording_mailed";
    const common::JsonPtr details(
        json_pack("{s:s, s:s}", "room", mail->room_id.c_str(), "recording", mail->recording_id.c_str()));
    result.notice_details = common::json_compact(details);
    return result;
}

} // namespace roomrec::storage
