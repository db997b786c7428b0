// RAII for jansson values (DESIGN rule 5).
#pragma once

#include <jansson.h>

#include <memory>

namespace roomrec {

struct JsonDecref {
    void operator()(json_t *value) const { json_decref(value); }
};
using JsonPtr = std::unique_ptr<json_t, JsonDecref>;

inline JsonPtr json_object_ptr() { return JsonPtr(json_object()); }
// Takes a new reference to a borrowed value.
inline JsonPtr json_share(json_t *value) { return JsonPtr(json_incref(value)); }

} // namespace roomrec
