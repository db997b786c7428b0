#include "storage/mail/smtp_sender.hpp"

#include <algorithm>
#include <cstring>

namespace roomrec::storage {
namespace {

struct Reader {
    const std::string *message;
    size_t offset = 0;
};

size_t read_message(char *buffer, size_t size, size_t count, void *state) {
    auto &reader = *static_cast<Reader *>(state);
    const size_t chunk = std::min(size * count, reader.message->size() - reader.offset);
    std::memcpy(buffer, reader.message->data() + reader.offset, chunk);
    reader.offset += chunk;
    return chunk;
}

long use_ssl(StartTls mode) {
    switch (mode) {
    case StartTls::None: return CURLUSESSL_NONE;
    case StartTls::Try: return CURLUSESSL_TRY;
    case StartTls::Required: return CURLUSESSL_ALL;
    }
    return CURLUSESSL_ALL;
}

} // namespace

const char *mail_result_name(MailResult result) {
    switch (result) {
    case MailResult::Sent: return "sent";
    case MailResult::Retryable: return "retryable";
    case MailResult::Permanent: return "permanent";
    }
    return "?";
}

SmtpSender::SmtpSender(SmtpSettings settings) : settings_(std::move(settings)), curl_(curl_easy_init()) {}

MailOutcome SmtpSender::send(const std::string &to, const std::string &message) {
    MailOutcome outcome;
    CURL *curl = curl_.get();
    if (curl == nullptr) {
        outcome.error = "libcurl is not available";
        return outcome;
    }
    curl_easy_reset(curl);
    common::CurlSlist recipients;
    const std::string rcpt = "<" + to + ">";
    if (!common::curl_slist_add(recipients, rcpt.c_str())) {
        outcome.error = "out of memory for the recipient list";
        return outcome;
    }
    const std::string from = "<" + settings_.from + ">";
    Reader reader{&message};
    char transport_error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps"); // a configured URL never reads files
    curl_easy_setopt(curl, CURLOPT_USE_SSL, use_ssl(settings_.starttls));
    if (!settings_.ca_file.empty()) {
        // A private relay's CA replaces the system's (bundle and folder); the peer and host
        // checks stay on (libcurl's defaults, never turned off here).
        curl_easy_setopt(curl, CURLOPT_CAINFO, settings_.ca_file.c_str());
        curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
    }
    if (!settings_.username.empty()) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, settings_.username.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, settings_.timeout_s);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, std::min(settings_.timeout_s, 10L));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, transport_error);
    const CURLcode code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &outcome.smtp_code);
    if (code == CURLE_OK) {
        outcome.result = MailResult::Sent;
        return outcome;
    }
    // libcurl's messages name the host and the reply, never the credentials.
    outcome.error = std::string("SMTP: ") + (transport_error[0] ? transport_error : curl_easy_strerror(code));
    if (outcome.smtp_code > 0) outcome.error += " (reply " + std::to_string(outcome.smtp_code) + ")";
    // A 5xx reply refuses this message for good (an unknown recipient, a refused sender or
    // content); a login refused (535) or one the server requires (530, when no username is
    // set) is our configuration, fixed without losing the mail.
    const bool ours = code == CURLE_LOGIN_DENIED || outcome.smtp_code == 530;
    const bool refused = outcome.smtp_code >= 500 && outcome.smtp_code < 600 && !ours;
    outcome.result = refused ? MailResult::Permanent : MailResult::Retryable;
    return outcome;
}

} // namespace roomrec::storage
