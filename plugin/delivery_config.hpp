// The jcfg's delivery settings (S2-S5; conf/janus.plugin.roomrec.jcfg documents each key):
// the `delivery` category (Postgres, spool, local or S3 storage) and one `webhook-<name>`
// category per webhook endpoint.
#pragma once

#include "plugin/links_config.hpp"

#include <cstdint>
#include <string>
#include <vector>

struct janus_config; // janus/config.h, included by the .cpp (janus_api.hpp)

namespace roomrec::plugin {

struct WebhookConfig {
    std::string name;
    std::string url;
    std::string secret;
    std::vector<std::string> events; // empty: all
};

struct DeliveryConfig {
    std::string postgres;     // libpq conninfo; empty: no delivery (recordings stay in the local folder)
    std::string spool_folder; // empty: <recordings_root>/.delivery
    bool to_s3 = false;
    std::string s3_endpoint; // http(s)://host[:port], path-style
    std::string s3_bucket;
    std::string s3_region = "us-east-1";
    std::string s3_access_key;
    std::string s3_secret_key;
    std::string s3_prefix; // prepended to "<room>/Recordings/<file>"
    int64_t s3_part_size_mib = 8;
    int64_t s3_url_expiry_s = 7 * 24 * 3600;
    int64_t s3_max_send_mib_per_s = 0; // upload bandwidth cap; 0: none
    bool keep_local_copy = false;
    // Every node mounts the recordings folder at the same path (one shared volume): any node may
    // then upload or delete a recording's file, so a dead node's upload is finished by another.
    bool shared_recordings = false;
    int64_t lease_s = 120; // a node that stops renewing an outbox job loses it after this
    std::vector<WebhookConfig> webhooks;
    LinksConfig links; // the expiring-link endpoint (exports, recordings library)
    SmtpConfig smtp;   // export emails
};

// Fills `delivery` from the parsed jcfg; an error message (naming the key, never a secret) if a
// value is invalid.
std::string read_delivery_config(janus_config *config, DeliveryConfig &delivery);

} // namespace roomrec::plugin
