// RAII for jansson values (DESIGN rule 5).
#pragma once

#include <jansson.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace roomrec::common {

struct JsonDecref {
    void operator()(json_t *value) const { json_decref(value); }
};
using JsonPtr = std::unique_ptr<json_t, JsonDecref>;

inline JsonPtr json_object_ptr() { return JsonPtr(json_object()); }
// Takes a new reference to a borrowed value.
inline JsonPtr json_share(json_t *value) { return JsonPtr(json_incref(value)); }

// Compact JSON text of a value, with any further dump flags (JSON_SORT_KEYS, ...); empty if it
// cannot be dumped (a null value).
inline std::string json_compact(const json_t *value, size_t flags = 0) {
    char *dumped = value ? json_dumps(value, JSON_COMPACT | flags) : nullptr;
    std::string text = dumped ? dumped : "";
    std::free(dumped);
    return text;
}
inline std::string json_compact(const JsonPtr &value, size_t flags = 0) { return json_compact(value.get(), flags); }

} // namespace roomrec::common
