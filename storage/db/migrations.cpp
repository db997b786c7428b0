#include "storage/db/migrations.hpp"

#include "storage/core/migration_plan.hpp"

#include <algorithm>

namespace roomrec::storage {

namespace {

// Every roomrec node takes this transaction-level advisory lock before touching the schema.
const std::string kSchemaLockKey = "7237955749785134400"; // any constant, the same in every build

const Migration *find_migration(int version) {
    for (const auto &migration : embedded_migrations())
        if (migration.version == version) return &migration;
    return nullptr;
}

bool failed(const PgResult &result, const std::string &doing, std::string &error) {
    if (result.ok()) return false;
    error = doing + ": " + result.error();
    return true;
}

} // namespace

bool apply_migrations(PgConnection &connection, std::string &error, std::vector<int> *applied) {
    std::vector<int> known;
    for (const auto &migration : embedded_migrations()) known.push_back(migration.version);
    for (;;) {
        Transaction transaction(connection);
        if (!transaction.active()) {
            error = "migrating the schema: " + transaction.error();
            return false;
        }
        if (failed(connection.exec("SELECT pg_advisory_xact_lock($1::bigint)", {kSchemaLockKey}),
                   "locking the schema", error) ||
            failed(connection.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, "
                                   "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"),
                   "creating schema_migrations", error))
            return false;
        const auto rows = connection.exec("SELECT version, name FROM schema_migrations ORDER BY version");
        if (failed(rows, "reading schema_migrations", error)) return false;
        std::vector<int> done;
        for (int row = 0; row < rows.rows(); ++row) {
            const int version = static_cast<int>(rows.int64(row, 0));
            done.push_back(version);
            const Migration *known_migration = find_migration(version);
            if (known_migration && rows.text(row, 1) != known_migration->name) {
                error = "the database recorded migration " + std::to_string(version) + " as '" + rows.text(row, 1) +
                        "' but this build calls it '" + known_migration->name + "'";
                return false;
            }
        }
        const auto plan = plan_migrations(known, done);
        if (!plan.error.empty()) {
            error = plan.error;
            return false;
        }
        if (plan.to_apply.empty()) return transaction.commit(error);
        const Migration &migration = *find_migration(plan.to_apply.front());
        const std::string label = "migration " + std::to_string(migration.version) + " (" + migration.name + ")";
        if (failed(connection.exec_script(migration.sql), label, error) ||
            failed(connection.exec("INSERT INTO schema_migrations (version, name) VALUES ($1::int, $2)",
                                   {std::to_string(migration.version), migration.name}),
                   "recording " + label, error))
            return false;
        if (!transaction.commit(error)) {
            error = label + ": " + error;
            return false;
        }
        if (applied) applied->push_back(migration.version);
    }
}

} // namespace roomrec::storage
