#include "storage/db/migrations.hpp"

#include "storage/core/migration_plan.hpp"

#include <pqxx/pqxx>

#include <algorithm>

namespace roomrec::storage {

namespace {

// Every roomrec node takes this transaction-level advisory lock before touching the schema.
constexpr int64_t kSchemaLockKey = 7237955749785134400; // any constant, the same in every build

const Migration *find_migration(int version) {
    for (const auto &migration : embedded_migrations())
        if (migration.version == version) return &migration;
    return nullptr;
}

enum class Step { Applied, UpToDate, Refused };

// One transaction: the lock, what the database has, and the first missing version applied.
Step apply_next(pqxx::connection &connection, const std::vector<int> &known, int &version, std::string &error) {
    pqxx::work transaction(connection);
    transaction.exec_params("SELECT pg_advisory_xact_lock($1::bigint)", kSchemaLockKey);
    transaction.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, "
                     "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    const pqxx::result rows = transaction.exec("SELECT version, name FROM schema_migrations ORDER BY version");
    std::vector<int> done;
    for (const auto &row : rows) {
        const int recorded = row[0].as<int>();
        const std::string name = row[1].as<std::string>();
        done.push_back(recorded);
        const Migration *known_migration = find_migration(recorded);
        if (known_migration && name != known_migration->name) {
            error = "the database recorded migration " + std::to_string(recorded) + " as '" + name +
                    "' but this build calls it '" + known_migration->name + "'";
            return Step::Refused;
        }
    }
    const auto plan = plan_migrations(known, done);
    if (!plan.error.empty()) {
        error = plan.error;
        return Step::Refused;
    }
    if (plan.to_apply.empty()) {
        transaction.commit();
        return Step::UpToDate;
    }
    const Migration &migration = *find_migration(plan.to_apply.front());
    version = migration.version;
    transaction.exec(migration.sql); // several statements, built into the binary
    transaction.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", migration.version,
                            std::string(migration.name));
    transaction.commit();
    return Step::Applied;
}

} // namespace

bool apply_migrations(Database &database, std::string &error, std::vector<int> *applied) {
    std::vector<int> known;
    for (const auto &migration : embedded_migrations()) known.push_back(migration.version);
    for (;;) {
        int version = 0;
        Step step = Step::Refused;
        const bool ran = database.run("migrating the schema", error,
                                      [&](pqxx::connection &connection, std::string &refused) {
            try {
                step = apply_next(connection, known, version, refused);
            } catch (const std::exception &failure) {
                if (version == 0) throw;
                const Migration &migration = *find_migration(version);
                refused = "migration " + std::to_string(version) + " (" + migration.name +
                          "): " + Database::describe(failure);
                return false;
            }
            return step != Step::Refused;
        });
        if (!ran) return false;
        if (step == Step::UpToDate) return true;
        if (applied) applied->push_back(version);
    }
}

} // namespace roomrec::storage
