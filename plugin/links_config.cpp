#include "plugin/links_config.hpp"

#include "plugin/config_values.hpp"
#include "plugin/janus_api.hpp"
#include "storage/core/email_message.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace roomrec::plugin {
namespace {

constexpr size_t kMinSecretBytes = 32;

bool numeric_address(const std::string &address) {
    in6_addr v6{};
    in_addr v4{};
    return inet_pton(AF_INET, address.c_str(), &v4) == 1 || inet_pton(AF_INET6, address.c_str(), &v6) == 1;
}

bool http_base(const std::string &url) {
    const bool scheme = (url.rfind("http://", 0) == 0 && url.size() > 7) ||
                        (url.rfind("https://", 0) == 0 && url.size() > 8);
    if (!scheme || url.size() > 512) return false;
    for (char c : url)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f || c == '?' || c == '#')
            return false;
    return true;
}

std::string read_links(janus_config *config, janus_config_category *category, LinksConfig &links) {
    if (const char *address = config_value(config, category, "address")) links.address = address;
    if (!numeric_address(links.address)) return "links.address must be a numeric IPv4 or IPv6 address";
    if (const std::string problem = read_config_integer(config, category, "links", "port", 0, 65535, links.port);
        !problem.empty())
        return problem;
    links.enabled = links.port != 0;
    if (const std::string problem = read_config_integer(config, category, "links", "export_link_ttl_s", 60,
                                                        365LL * 24 * 3600, links.export_link_ttl_s);
        !problem.empty())
        return problem;
    if (const char *secret = config_value(config, category, "secret")) links.secret = secret;
    if (links.enabled && links.secret.size() < kMinSecretBytes)
        return "links.secret is required (at least 32 characters) when links are enabled";
    if (const char *url = config_value(config, category, "public_url")) links.public_url = url;
    while (!links.public_url.empty() && links.public_url.back() == '/') links.public_url.pop_back();
    links.public_url_set = !links.public_url.empty();
    if (links.public_url.empty()) {
        const bool v6 = links.address.find(':') != std::string::npos;
        links.public_url = "http://" + (v6 ? "[" + links.address + "]" : links.address) + ":" +
                           std::to_string(links.port);
    }
    if (!http_base(links.public_url))
        return "links.public_url must be an http:// or https:// URL without spaces, query or fragment";
    if (const char *token = config_value(config, category, "metrics_token")) links.metrics_token = token;
    if (!links.metrics_token.empty() && links.metrics_token.size() < kMinSecretBytes)
        return "links.metrics_token must be at least 32 characters (or absent: /metrics then answers this "
               "machine only)";
    if (const char *web_root = config_value(config, category, "web_root")) links.web_root = web_root;
    while (links.web_root.size() > 1 && links.web_root.back() == '/') links.web_root.pop_back();
    if (!links.web_root.empty() && (links.web_root.front() != '/' || links.web_root == "/"))
        return "links.web_root must be an absolute folder other than /";
    return {};
}

// libcurl reads the CA file on every send: a path that cannot work stops the plugin at
// start-up instead of failing each mail for 72 h. Only the key is named, like every error here.
std::string ca_file_error(const std::string &path) {
    constexpr long kMaxBytes = 16L << 20; // a full system bundle is about 200 KiB
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return std::string("smtp.ca_file cannot be read (") + std::strerror(errno) + ")";
    if (!S_ISREG(info.st_mode) || info.st_size > kMaxBytes)
        return "smtp.ca_file must be a file of PEM certificates (at most 16 MiB)";
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::string("smtp.ca_file cannot be read (") + std::strerror(errno) + ")";
    std::string text(static_cast<size_t>(info.st_size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    if (text.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
        return "smtp.ca_file must be a file of PEM certificates (-----BEGIN CERTIFICATE-----)";
    return {};
}

std::string read_smtp(janus_config *config, janus_config_category *category, SmtpConfig &smtp) {
    if (const char *url = config_value(config, category, "url")) smtp.url = url;
    if (!((smtp.url.rfind("smtp://", 0) == 0 && smtp.url.size() > 7) ||
          (smtp.url.rfind("smtps://", 0) == 0 && smtp.url.size() > 8)) ||
        smtp.url.size() > 512)
        return "smtp.url must be an smtp:// or smtps:// URL";
    smtp.enabled = true;
    if (const char *from = config_value(config, category, "from")) smtp.from = from;
    if (const std::string problem = storage::email_address_error(smtp.from); !problem.empty())
        return "smtp.from: " + problem;
    if (const char *username = config_value(config, category, "username")) smtp.username = username;
    if (const char *password = config_value(config, category, "password")) smtp.password = password;
    if (!smtp.password.empty() && smtp.username.empty()) return "smtp.password needs smtp.username";
    if (const char *starttls = config_value(config, category, "starttls")) smtp.starttls = starttls;
    if (smtp.starttls != "none" && smtp.starttls != "try" && smtp.starttls != "required")
        return "smtp.starttls must be \"none\", \"try\" or \"required\"";
    if (!smtp.password.empty() && smtp.starttls != "required" && smtp.url.rfind("smtps://", 0) != 0)
        return "smtp.password is only sent over TLS: use smtps:// or starttls = \"required\"";
    if (const std::string problem = read_config_path(config, category, "smtp", "ca_file", smtp.ca_file);
        !problem.empty())
        return problem;
    if (!smtp.ca_file.empty())
        if (const std::string problem = ca_file_error(smtp.ca_file); !problem.empty()) return problem;
    return read_config_integer(config, category, "smtp", "timeout_s", 1, 600, smtp.timeout_s);
}

} // namespace

std::string read_links_config(janus_config *config, LinksConfig &links, SmtpConfig &smtp) {
    if (janus_config_category *category = janus_config_get(config, nullptr, janus_config_type_category, "links")) {
        const std::string problem = read_links(config, category, links);
        if (!problem.empty()) return problem;
    }
    if (janus_config_category *category = janus_config_get(config, nullptr, janus_config_type_category, "smtp")) {
        const std::string problem = read_smtp(config, category, smtp);
        if (!problem.empty()) return problem;
    }
    return {};
}

} // namespace roomrec::plugin
