// The Postgres schema (analytics/schema/NNN_name.sql, built into the binary) applied at
// start-up. Several nodes may start at once: each version is applied in its own transaction
// under one advisory lock, so exactly one node applies it and the others then skip it.
#pragma once

#include "storage/db/database.hpp"

#include <string>
#include <vector>

namespace roomrec::storage {

struct Migration {
    int version;
    const char *name; // "delivery" for 001_delivery.sql
    const char *sql;
};

// Ascending by version; generated at build time (cmake/embed_migrations.cmake).
const std::vector<Migration> &embedded_migrations();

// Creates schema_migrations if needed and applies the missing versions in order. Refuses a
// database whose schema is newer than this build. `applied` gets the versions applied now.
bool apply_migrations(Database &database, std::string &error, std::vector<int> *applied = nullptr);

} // namespace roomrec::storage
