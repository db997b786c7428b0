// The start-up line that tells an operator what this node is configured to do (issue 15): node,
// recordings storage, each database, webhooks, the link endpoint, SMTP, the recorder. It names
// where things are and never a secret: no password, key, token or admin secret, no URL query or
// user info, Postgres as user@host:port/dbname only.
#pragma once

#include "plugin/plugin_config.hpp"

#include <string>

namespace roomrec::plugin {

std::string describe_configuration(const PluginConfig &config);

// scheme://host[:port]/path of a URL without its user info, query or fragment (for a log line).
std::string url_without_secrets(const std::string &url);

} // namespace roomrec::plugin
