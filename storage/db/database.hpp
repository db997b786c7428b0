// One thread's Postgres connection, on libpqxx. It owns the conninfo: it connects lazily (a
// node starts while Postgres is away), connects again after an outage, and declares its
// users' prepared statements on every new connection. Statements run in pqxx transactions
// through run(). No error text it makes contains the conninfo (it may hold a password).
// Not thread-safe: one per thread.
#pragma once

#include <pqxx/connection>
#include <pqxx/field>
#include <pqxx/transaction_base>

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace roomrec::storage {

class Database {
public:
    explicit Database(std::string conninfo);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // Connects, or connects again when the connection broke; false (and why) when the server is away.
    bool ensure_connected(std::string &error);
    // Whether the last statement left a usable connection (false: the server went away).
    bool connected() const;
    // A statement that repeats, run with exec_prepared(name, ...): Postgres plans it once
    // per connection.
    void prepare(const std::string &name, const std::string &sql);

    // Connects if needed and runs body(connection, error), which opens its own transaction
    // (pqxx::work; pqxx::nontransaction for one statement) and returns false with `error` set
    // when a rule refused. A pqxx failure becomes `error` as "doing: why"; the transaction it
    // interrupted rolls back as it unwinds.
    template <typename Body> bool run(const std::string &doing, std::string &error, Body &&body) {
        std::string why;
        if (!ensure_connected(why)) {
            error = doing + ": " + why;
            return false;
        }
        try {
            return body(*connection_, error);
        } catch (const std::exception &failure) {
            error = doing + ": " + describe(failure);
            return false;
        }
    }

    // One line saying why a statement failed: the server's message, or that the connection
    // was lost. pqxx puts neither the conninfo nor parameters in it.
    static std::string describe(const std::exception &failure);
    // Where a conninfo connects, for a log line: "user@host:port/dbname" from its host(addr),
    // port, dbname and user, never its password or other options; "an unreadable conninfo"
    // when it does not parse. Unset parts are libpq's defaults (the local socket, ...).
    static std::string describe_target(const std::string &conninfo);
    // The SQLSTATE of a statement the server refused ("23505"), "" for any other failure.
    static std::string sqlstate(const std::exception &failure);

private:
    std::string conninfo_;
    std::unique_ptr<pqxx::connection> connection_;
    std::vector<std::pair<std::string, std::string>> prepared_; // name, SQL
};

// A column that may be NULL.
template <typename T> std::optional<T> optional_value(const pqxx::field &field) {
    if (field.is_null()) return std::nullopt;
    return field.as<T>();
}

} // namespace roomrec::storage
