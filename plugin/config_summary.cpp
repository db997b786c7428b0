#include "plugin/config_summary.hpp"

#include "storage/db/database.hpp"

namespace roomrec::plugin {

std::string url_without_secrets(const std::string &url) {
    const size_t scheme_end = url.find("://");
    const size_t authority = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    std::string rest = url.substr(authority);
    rest = rest.substr(0, rest.find_first_of("?#"));
    const size_t path = rest.find('/');
    const size_t at = rest.rfind('@', path == std::string::npos ? std::string::npos : path);
    if (at != std::string::npos && (path == std::string::npos || at < path)) rest = rest.substr(at + 1);
    return url.substr(0, authority) + rest;
}

namespace {

std::string postgres(const std::string &conninfo) {
    return conninfo.empty() ? "none" : "Postgres " + storage::Database::describe_target(conninfo);
}

std::string storage_part(const PluginConfig &config) {
    const DeliveryConfig &delivery = config.delivery;
    std::string text = "recordings in " + config.recordings_root;
    if (delivery.postgres.empty()) return text + " (no delivery: no upload, webhooks or metadata)";
    if (delivery.to_s3)
        text += ", uploaded to S3 bucket " + delivery.s3_bucket + " at " + url_without_secrets(delivery.s3_endpoint) +
                (delivery.s3_prefix.empty() ? "" : " under " + delivery.s3_prefix) +
                (delivery.keep_local_copy ? " (local copy kept)" : "");
    if (delivery.shared_recordings) text += ", a volume shared by all nodes";
    return text;
}

std::string webhooks_part(const DeliveryConfig &delivery) {
    if (delivery.webhooks.empty()) return "no webhooks";
    std::string text = std::to_string(delivery.webhooks.size()) + " webhook(s):";
    for (const WebhookConfig &hook : delivery.webhooks) text += " " + hook.name + " -> " + url_without_secrets(hook.url);
    return text;
}

std::string links_part(const LinksConfig &links) {
    if (!links.enabled) return "no link endpoint";
    return "link endpoint on " + links.address + ":" + std::to_string(links.port) + " (public " +
           url_without_secrets(links.public_url) + (links.web_root.empty() ? "" : ", pages from " + links.web_root) +
           ")";
}

std::string smtp_part(const SmtpConfig &smtp) {
    if (!smtp.enabled) return "no SMTP";
    return "SMTP " + url_without_secrets(smtp.url) + " (STARTTLS " + smtp.starttls +
           (smtp.username.empty() ? ", no login" : ", with a login") + ")";
}

std::string cluster_part(const PluginConfig &config) {
    if (config.cluster.empty()) return "single node";
    std::string text = "cluster of " + std::to_string(config.cluster.size()) + ":";
    for (const domain::ClusterNode &node : config.cluster) text += " " + node.id + " " + url_without_secrets(node.url);
    return text + ", leases " + std::to_string(config.delivery.lease_s) + " s";
}

} // namespace

std::string describe_configuration(const PluginConfig &config) {
    const std::string telemetry =
        config.telemetry_postgres().empty()
            ? "none"
            : postgres(config.telemetry_postgres()) +
                  (config.telemetry.retention_days > 0
                       ? ", kept " + std::to_string(config.telemetry.retention_days) + " days"
                       : ", kept forever");
    return "node " + config.node_id + " (" + cluster_part(config) + "): " + storage_part(config) + "; delivery " +
           postgres(config.delivery.postgres) + "; telemetry " + telemetry + "; reports " +
           postgres(config.reports_postgres()) + "; " + webhooks_part(config.delivery) + "; " +
           links_part(config.delivery.links) + "; " + smtp_part(config.delivery.smtp) + "; recorder " +
           config.recorder_path + " (" + config.x264_preset + ", " +
           std::to_string(config.recording_video_bitrate_kbps) + " kbit/s)" +
           (config.token_secret.empty() ? "; tokens refused (no token_secret)" : "") +
           (config.notify_events ? "" : "; event handlers not notified");
}

} // namespace roomrec::plugin
