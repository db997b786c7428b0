// Timestamps cross the Postgres boundary as whole milliseconds since the Unix epoch (the pure
// core's unit), converted in SQL so that no client clock or time zone is involved.
#pragma once

#include <string>

namespace roomrec::storage::sql {

// SQL for the ms value of a timestamptz expression (NULL stays NULL).
inline std::string ms(const std::string &expression) {
    return "floor(extract(epoch FROM " + expression + ") * 1000)::bigint";
}

// SQL for the timestamptz of a bigint ms parameter such as "$4" (NULL stays NULL).
inline std::string timestamp(const std::string &parameter) {
    return "(timestamptz 'epoch' + " + parameter + "::bigint * interval '1 millisecond')";
}

} // namespace roomrec::storage::sql
