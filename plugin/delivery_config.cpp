#include "plugin/delivery_config.hpp"

#include "domain/request_schema.hpp"
#include "plugin/config_values.hpp"
#include "plugin/janus_api.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>

namespace roomrec::plugin {
namespace {

bool is_http_url(const std::string &url) {
    return (url.rfind("http://", 0) == 0 && url.size() > 7) || (url.rfind("https://", 0) == 0 && url.size() > 8);
}

// "recording.available, session.ended" → the names, each one we send.
std::string read_events(const char *text, const std::string &where, std::vector<std::string> &events) {
    static const std::set<std::string> kKnown = {"recording.started", "recording.available", "recording.failed",
                                                 "session.ended"};
    std::string list = text;
    size_t start = 0;
    while (start <= list.size()) {
        size_t comma = list.find(',', start);
        if (comma == std::string::npos) comma = list.size();
        std::string name = list.substr(start, comma - start);
        name.erase(0, name.find_first_not_of(" \t"));
        name.erase(name.find_last_not_of(" \t") + 1);
        if (!name.empty()) {
            if (!kKnown.count(name))
                return where + ".events: unknown event '" + name +
                       "' (recording.started, recording.available, recording.failed, session.ended)";
            events.push_back(name);
        }
        start = comma + 1;
    }
    return {};
}

std::string read_webhook(janus_config *config, janus_config_category *category, DeliveryConfig &delivery) {
    WebhookConfig webhook;
    webhook.name = category->name + 8; // after "webhook-"
    const std::string where = category->name;
    if (!domain::is_identifier(webhook.name.c_str(), 64))
        return where + ": the name after webhook- must be 1-64 characters of [A-Za-z0-9_-]";
    const char *url = config_value(config, category, "url");
    const char *secret = config_value(config, category, "secret");
    if (url == nullptr || !is_http_url(url) || std::strlen(url) > 2048)
        return where + ".url must be an http:// or https:// URL";
    if (secret == nullptr || std::strlen(secret) < 16) return where + ".secret must be at least 16 characters";
    webhook.url = url;
    webhook.secret = secret;
    if (const char *events = config_value(config, category, "events")) {
        const std::string problem = read_events(events, where, webhook.events);
        if (!problem.empty()) return problem;
    }
    delivery.webhooks.push_back(std::move(webhook));
    return {};
}

std::string read_s3(janus_config *config, janus_config_category *category, DeliveryConfig &delivery) {
    struct Key {
        const char *name;
        std::string *target;
        bool required;
    };
    const Key keys[] = {
        {"s3_endpoint", &delivery.s3_endpoint, true},     {"s3_bucket", &delivery.s3_bucket, true},
        {"s3_region", &delivery.s3_region, false},        {"s3_access_key", &delivery.s3_access_key, true},
        {"s3_secret_key", &delivery.s3_secret_key, true}, {"s3_prefix", &delivery.s3_prefix, false}};
    for (const Key &key : keys) {
        const char *value = config_value(config, category, key.name);
        if (value != nullptr) *key.target = value;
        if (key.required && key.target->empty())
            return std::string("delivery.") + key.name + " is required with storage = \"s3\"";
    }
    if (!is_http_url(delivery.s3_endpoint)) return "delivery.s3_endpoint must be an http:// or https:// URL";
    if (delivery.s3_bucket.size() < 3 || delivery.s3_bucket.size() > 63 ||
        delivery.s3_bucket.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") != std::string::npos)
        return "delivery.s3_bucket must be a valid bucket name (3-63 of a-z 0-9 . -)";
    if (!delivery.s3_prefix.empty() && (delivery.s3_prefix[0] == '/' || delivery.s3_prefix.size() > 512))
        return "delivery.s3_prefix must not start with / (at most 512 characters)";
    for (const std::string &problem :
         {read_config_integer(config, category, "delivery", "s3_part_size_mib", 5, 5120, delivery.s3_part_size_mib),
          read_config_integer(config, category, "delivery", "s3_url_expiry", 1, 7 * 24 * 3600,
                              delivery.s3_url_expiry_s),
          read_config_integer(config, category, "delivery", "s3_max_send_mib_per_s", 0, 100000,
                              delivery.s3_max_send_mib_per_s)})
        if (!problem.empty()) return problem;
    return {};
}

} // namespace

std::string read_delivery_config(janus_config *config, DeliveryConfig &delivery) {
    if (janus_config_category *category = janus_config_get(config, nullptr, janus_config_type_category, "delivery")) {
        if (const char *postgres = config_value(config, category, "postgres")) delivery.postgres = postgres;
        if (const char *spool = config_value(config, category, "spool")) {
            if (spool[0] != '/') return "delivery.spool must be an absolute path";
            delivery.spool_folder = spool;
        }
        const char *storage = config_value(config, category, "storage");
        if (storage != nullptr && std::strcmp(storage, "local") != 0 && std::strcmp(storage, "s3") != 0)
            return "delivery.storage must be \"local\" or \"s3\"";
        delivery.to_s3 = storage != nullptr && std::strcmp(storage, "s3") == 0;
        if (delivery.to_s3) {
            const std::string problem = read_s3(config, category, delivery);
            if (!problem.empty()) return problem;
        }
        if (const char *keep = config_value(config, category, "keep_local_copy"))
            delivery.keep_local_copy = config_bool(keep);
        if (const char *shared = config_value(config, category, "shared_recordings"))
            delivery.shared_recordings = config_bool(shared);
        const std::string problem =
            read_config_integer(config, category, "delivery", "lease_seconds", 15, 3600, delivery.lease_s);
        if (!problem.empty()) return problem;
    }
    GList *categories = janus_config_get_categories(config, nullptr);
    std::string problem;
    for (GList *it = categories; it != nullptr && problem.empty(); it = it->next) {
        auto *category = static_cast<janus_config_category *>(it->data);
        if (category->name != nullptr && std::strncmp(category->name, "webhook-", 8) == 0)
            problem = read_webhook(config, category, delivery);
    }
    g_list_free(categories);
    if (!problem.empty()) return problem;
    // A running upload renews its lease after each part: a part must fit in it twice over, or
    // another node takes over an upload that is still running and the file is sent twice.
    if (delivery.to_s3 && delivery.s3_max_send_mib_per_s > 0 &&
        delivery.s3_part_size_mib * 2 > delivery.s3_max_send_mib_per_s * delivery.lease_s)
        return "delivery.lease_seconds (" + std::to_string(delivery.lease_s) +
               ") must be at least twice one part's upload at s3_max_send_mib_per_s (" +
               std::to_string(delivery.s3_part_size_mib / delivery.s3_max_send_mib_per_s) + " s)";
    if (delivery.postgres.empty() && (delivery.to_s3 || !delivery.webhooks.empty()))
        return "delivery.postgres is required for S3 storage and webhooks (the durable outbox lives there)";
    problem = read_links_config(config, delivery.links, delivery.smtp);
    if (!problem.empty()) return problem;
    if (delivery.smtp.enabled && delivery.postgres.empty())
        return "delivery.postgres is required for smtp (export emails are durable outbox jobs)";
    // Mailed links to local exports must reach this node from the recipient's browser: the
    // default http://<address>:<port> (often 127.0.0.1) never does.
    if (delivery.smtp.enabled && !delivery.to_s3 && delivery.links.enabled && !delivery.links.public_url_set)
        return "links.public_url is required when smtp mails links to local exports (the default "
               "http://<address>:<port> is not reachable by mail recipients): set this node's own public URL, or "
               "store exports in S3";
    return {};
}

} // namespace roomrec::plugin
