// A libpq connection with RAII for PGconn and PGresult, parameterized statements only, and
// transactions that nest (an inner one becomes a savepoint), so that the delivery worker can
// put a recording row and its outbox jobs in one transaction. Not thread-safe: one connection
// per thread. Error strings never contain the conninfo (it may hold a password).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace roomrec::storage {

class PgResult {
public:
    PgResult(pg_result *result, std::string error); // error "" only for a successful result

    bool ok() const { return error_.empty(); }
    const std::string &error() const { return error_; }
    std::string sqlstate() const; // e.g. "23505"; "" without a server error
    int rows() const;
    bool is_null(int row, int column) const;
    std::string text(int row, int column) const; // "" for NULL
    std::optional<std::string> optional_text(int row, int column) const;
    int64_t int64(int row, int column) const;   // 0 for NULL
    std::optional<int64_t> optional_int64(int row, int column) const;
    int64_t affected_rows() const;              // INSERT/UPDATE/DELETE
    std::string command_status() const;         // "COMMIT", "INSERT 0 1", ...

private:
    struct Clear {
        void operator()(pg_result *result) const;
    };
    std::unique_ptr<pg_result, Clear> result_;
    std::string error_;
};

using SqlParams = std::vector<std::optional<std::string>>; // nullopt = SQL NULL

class PgConnection {
public:
    // Nothing happens until the first statement: a node starts even while Postgres is away.
    explicit PgConnection(std::string conninfo);
    ~PgConnection();
    PgConnection(const PgConnection &) = delete;
    PgConnection &operator=(const PgConnection &) = delete;

    // Connects, or reconnects a broken connection; false (and why) when the server is away.
    bool ensure_connected(std::string &error);
    // One statement, parameters sent apart from the SQL (never spliced into it). Outside a
    // transaction it reconnects first when needed; inside one a lost connection is an error.
    PgResult exec(const std::string &sql, const SqlParams &params = {});
    // Several statements without parameters: only for SQL built into the binary (migrations).
    PgResult exec_script(const std::string &sql);
    // `COPY ... FROM STDIN` (built into the binary, no parameters) fed with `data`, rows in the
    // format the statement names; affected_rows() is the number of rows copied. Like exec(),
    // reconnects first outside a transaction only.
    PgResult copy_from(const std::string &copy_statement, std::string_view data);
    // Whether the last statement left a usable connection (false: the server went away).
    bool connected() const;
    bool in_transaction() const { return depth_ > 0; }

private:
    friend class Transaction;
    PgResult finish(pg_result *result);

    std::string conninfo_;
    struct Finish {
        void operator()(pg_conn *connection) const;
    };
    std::unique_ptr<pg_conn, Finish> connection_;
    int depth_ = 0; // open transactions: 1 = BEGIN, more = savepoints inside it
};

// BEGIN (or a SAVEPOINT inside an open transaction); commit() makes it stick, the destructor
// rolls back whatever was not committed. Inner transactions end before outer ones.
class Transaction {
public:
    explicit Transaction(PgConnection &connection);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    bool active() const { return level_ > 0; }
    const std::string &error() const { return error_; } // why it could not begin
    bool commit(std::string &error);

private:
    void end();

    PgConnection &connection_;
    int level_ = 0;
    std::string error_;
};

} // namespace roomrec::storage
