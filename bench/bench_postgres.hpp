// The database a Postgres benchmark runs against: ROOMREC_PG, which tests/integration/postgres.py
// sets for the throwaway cluster it starts around the command.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace roomrec::bench {

inline const char *postgres_or_exit() {
    const char *conninfo = std::getenv("ROOMREC_PG");
    if (conninfo == nullptr) {
        std::fprintf(stderr, "set ROOMREC_PG (or run through tests/integration/postgres.py)\n");
        std::exit(1);
    }
    return conninfo;
}

} // namespace roomrec::bench
