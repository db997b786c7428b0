// Which schema migrations a node applies at start-up (DESIGN "Data"): the versions it embeds
// that the database lacks, in order. A database already migrated by a newer build is refused:
// running old code against a schema it does not know could corrupt it. Pure.
#pragma once

#include <string>
#include <vector>

namespace roomrec::storage {

struct MigrationPlan {
    std::vector<int> to_apply; // ascending
    std::string error;         // non-empty: refuse to start
};

// known: the versions this build embeds; applied: those recorded in the database (any order).
MigrationPlan plan_migrations(const std::vector<int> &known, const std::vector<int> &applied);

} // namespace roomrec::storage
