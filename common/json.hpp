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

// Compact JSON text of a value; empty if it cannot be dumped (a null value).
inline std::string json_compact(const JsonPtr &value) {
    char *dumped = value ? json_dumps(value.get(), JSON_COMPACT) : nullptr;
    std::string text = dumped ? dumped : "";
    std::free(dumped);
    return text;
}

} // namespace roomrec::common
