// cmocka from C++: its header needs these C headers first and C linkage, and its macros
// (fail, ...) clash with C++ library headers, so include this file last.
#pragma once

#include "common/json.hpp"

#include <cstring>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

extern "C" {
#include <cmocka.h>
}

using Json = roomrec::common::JsonPtr;

inline Json parse_json(const char *text, size_t flags = 0) {
    json_error_t error;
    json_t *value = json_loads(text, flags, &error);
    if (value == nullptr) fail_msg("bad test JSON: %s", error.text);
    return Json(value);
}
