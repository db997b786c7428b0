// The jcfg's `links` (the expiring-link HTTP endpoint) and `smtp` (export emails) categories
// (conf/janus.plugin.roomrec.jcfg documents each key). Both are off unless their category is
// present: links with a port other than 0, smtp with a url.
#pragma once

#include <cstdint>
#include <string>

struct janus_config; // janus/config.h, included by the .cpp (janus_api.hpp)

namespace roomrec::plugin {

struct LinksConfig {
    bool enabled = false;
    std::string address = "127.0.0.1";
    int64_t port = 8090;
    std::string public_url;      // base of mailed links; default http://<address>:<port>
    bool public_url_set = false; // configured (not the default): required to mail local exports
    std::string secret;          // HMAC key, at least 32 characters (never logged)
    int64_t export_link_ttl_s = 7 * 24 * 3600;
    std::string web_root; // absolute folder of the static pages served at "/"; empty: none
    // GET /metrics: with a token only for "Authorization: Bearer <token>", else only for
    // clients on the loopback address (never logged).
    std::string metrics_token;
};

struct SmtpConfig {
    bool enabled = false;
    std::string url; // smtp://host[:port][/helo] or smtps://...
    std::string from;
    std::string username, password; // never logged
    std::string starttls = "try";   // none | try | required
    std::string ca_file;            // absolute path of PEM CA certificates; empty: the system's
    int64_t timeout_s = 30;
};

// Fills both from the parsed jcfg; an error message (naming the key, never a secret) if a
// value is invalid.
std::string read_links_config(janus_config *config, LinksConfig &links, SmtpConfig &smtp);

} // namespace roomrec::plugin
