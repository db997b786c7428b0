// Reading typed values from a parsed jcfg category, with error messages that name the key as
// "<category>.<key>" (and never quote a value: it may be a secret).
#pragma once

#include "plugin/janus_api.hpp"

#include <cstdint>
#include <string>

namespace roomrec::plugin {

const char *config_value(janus_config *config, janus_config_category *category, const char *key);
// Empty when the key is absent (target unchanged) or valid; otherwise the error.
std::string read_config_integer(janus_config *config, janus_config_category *category, const char *category_name,
                                const char *key, long long low, long long high, int64_t &target);
std::string read_config_path(janus_config *config, janus_config_category *category, const char *category_name,
                             const char *key, std::string &target);
bool config_bool(const char *text); // true, yes or 1

} // namespace roomrec::plugin
