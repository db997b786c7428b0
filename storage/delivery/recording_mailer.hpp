// The delivery worker's `recording_mail` jobs (storage/core/recording_mail): builds the mail
// with the same injection-safe composition as export mails (core/email_message) and sends it
// over SMTP. A node without SMTP, an outage, a TLS or login problem or a 4xx answer retries it on
// the outbox's schedule; only a 5xx answer (or a payload no node could send) fails it for good.
// Errors never carry the address nor any SMTP secret.
#pragma once

#include "storage/db/outbox_store.hpp"
#include "storage/delivery/export_jobs.hpp"
#include "storage/mail/smtp_sender.hpp"

#include <optional>

namespace roomrec::storage {

class RecordingMailer {
public:
    explicit RecordingMailer(const std::optional<SmtpSettings> &smtp);
    // done with a "recording_mailed" notice, or why not (permanent or retried).
    ExportJobResult run(const ClaimedJob &job);

private:
    std::string from_;
    std::optional<SmtpSender> smtp_;
};

} // namespace roomrec::storage
