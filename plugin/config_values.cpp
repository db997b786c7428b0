#include "plugin/config_values.hpp"

#include "plugin/janus_api.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace roomrec::plugin {

const char *config_value(janus_config *config, janus_config_category *category, const char *key) {
    janus_config_item *item = janus_config_get(config, category, janus_config_type_item, key);
    return item != nullptr ? item->value : nullptr;
}

std::string read_config_integer(janus_config *config, janus_config_category *category, const char *category_name,
                                const char *key, long long low, long long high, int64_t &target) {
    const char *value = config_value(config, category, key);
    if (value == nullptr) return {};
    char *end = nullptr;
    errno = 0;
    const long long number = std::strtoll(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || number < low || number > high)
        return std::string(category_name) + "." + key + " must be an integer from " + std::to_string(low) + " to " +
               std::to_string(high);
    target = number;
    return {};
}

std::string read_config_path(janus_config *config, janus_config_category *category, const char *category_name,
                             const char *key, std::string &target) {
    const char *value = config_value(config, category, key);
    if (value == nullptr) return {};
    if (value[0] != '/' || std::strlen(value) > 1024)
        return std::string(category_name) + "." + key + " must be an absolute path";
    target = value;
    return {};
}

bool config_bool(const char *text) {
    return text != nullptr && (!std::strcmp(text, "true") || !std::strcmp(text, "yes") || !std::strcmp(text, "1"));
}

} // namespace roomrec::plugin
