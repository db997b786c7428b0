// Sends one email over SMTP with libcurl (A9): smtp:// or smtps://, STARTTLS none / try /
// required, optional login. TLS always verifies the server's certificate and host name,
// against the system's CAs or only those of `ca_file`. The answer is classified for the
// outbox: ok, retryable (the server is unreachable, a timeout, a TLS or login problem on our
// side: a certificate that does not verify, a login refused (535) or missing (530); a 4xx
// answer) or permanent (another 5xx answer to the sender, the recipient or the message). The
// password is never logged nor put in an error. One sender per thread (it keeps a curl handle).
#pragma once

#include "common/curl_handles.hpp"

#include <string>

namespace roomrec::storage {

enum class StartTls { None, Try, Required };

struct SmtpSettings {
    std::string url;                // smtp://host:port[/helo] or smtps://...
    std::string from;               // envelope sender (MAIL FROM) and the From header
    std::string username, password; // empty username: no login
    StartTls starttls = StartTls::Try;
    std::string ca_file; // PEM CA certificates, the only ones trusted when set; empty: the system's
    long timeout_s = 30;
};

enum class MailResult { Sent, Retryable, Permanent };
const char *mail_result_name(MailResult result);

struct MailOutcome {
    MailResult result = MailResult::Retryable;
    long smtp_code = 0; // the server's last reply code, 0 without one
    std::string error;  // why, when not sent (no secret in it)
};

class SmtpSender {
public:
    explicit SmtpSender(SmtpSettings settings);
    // `message` is a whole RFC 5322 message (core/email_message), CRLF line ends.
    MailOutcome send(const std::string &to, const std::string &message);

private:
    SmtpSettings settings_;
    common::CurlEasy curl_;
};

} // namespace roomrec::storage
