#include "storage/db/pg_connection.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>

namespace roomrec::storage {

namespace {

std::string trimmed(const char *message) {
    std::string text = message ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

void ignore_notice(void *, const char *) {} // "relation exists, skipping" and the like

} // namespace

PgResult::PgResult(pg_result *result, std::string error) : result_(result), error_(std::move(error)) {}

void PgResult::Clear::operator()(pg_result *result) const { PQclear(result); }

std::string PgResult::sqlstate() const {
    const char *state = result_ ? PQresultErrorField(result_.get(), PG_DIAG_SQLSTATE) : nullptr;
    return state ? state : "";
}

int PgResult::rows() const { return result_ ? PQntuples(result_.get()) : 0; }

bool PgResult::is_null(int row, int column) const {
    return !result_ || row >= rows() || column >= PQnfields(result_.get()) || PQgetisnull(result_.get(), row, column);
}

std::string PgResult::text(int row, int column) const {
    return is_null(row, column) ? "" : std::string(PQgetvalue(result_.get(), row, column),
                                                   PQgetlength(result_.get(), row, column));
}

std::optional<std::string> PgResult::optional_text(int row, int column) const {
    if (is_null(row, column)) return std::nullopt;
    return text(row, column);
}

int64_t PgResult::int64(int row, int column) const { return optional_int64(row, column).value_or(0); }

std::optional<int64_t> PgResult::optional_int64(int row, int column) const {
    if (is_null(row, column)) return std::nullopt;
    return std::strtoll(PQgetvalue(result_.get(), row, column), nullptr, 10);
}

int64_t PgResult::affected_rows() const {
    const char *count = result_ ? PQcmdTuples(result_.get()) : nullptr;
    return count && *count ? std::strtoll(count, nullptr, 10) : 0;
}

std::string PgResult::command_status() const {
    const char *status = result_ ? PQcmdStatus(result_.get()) : nullptr;
    return status ? status : "";
}

void PgConnection::Finish::operator()(pg_conn *connection) const { PQfinish(connection); }

PgConnection::PgConnection(std::string conninfo) : conninfo_(std::move(conninfo)) {}

PgConnection::~PgConnection() = default;

bool PgConnection::ensure_connected(std::string &error) {
    if (connection_ && PQstatus(connection_.get()) == CONNECTION_OK) return true;
    if (depth_ > 0) {
        error = "the connection to Postgres was lost inside a transaction";
        return false;
    }
    if (!connection_) {
        // Parse first: libpq's parse errors quote pieces of the conninfo, maybe the password.
        char *parse_error = nullptr;
        PQconninfoOption *options = PQconninfoParse(conninfo_.c_str(), &parse_error);
        PQconninfoFree(options);
        PQfreemem(parse_error);
        if (options == nullptr) {
            error = "the Postgres conninfo is malformed (not shown: it may hold a password)";
            return false;
        }
        // The conninfo is expanded in place of "dbname"; it may override the defaults before
        // it but not the client encoding after it (rows are UTF-8 everywhere here).
        // Keepalives: a server that vanished without closing the TCP connection is noticed in
        // about a minute instead of the kernel's two hours.
        const char *keys[] = {"connect_timeout", "keepalives_idle", "keepalives_interval", "keepalives_count",
                              "fallback_application_name", "dbname", "client_encoding", nullptr};
        const char *values[] = {"5", "30", "10", "3", "roomrec", conninfo_.c_str(), "UTF8", nullptr};
        connection_.reset(PQconnectdbParams(keys, values, 1));
        if (connection_) PQsetNoticeProcessor(connection_.get(), ignore_notice, nullptr);
    } else {
        PQreset(connection_.get());
    }
    if (!connection_) {
        error = "cannot connect to Postgres: out of memory";
        return false;
    }
    if (PQstatus(connection_.get()) != CONNECTION_OK) {
        error = "cannot connect to Postgres: " + trimmed(PQerrorMessage(connection_.get()));
        return false;
    }
    return true;
}

PgResult PgConnection::finish(pg_result *result) {
    const auto status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return PgResult(result, "");
    std::string error = trimmed(result ? PQresultErrorMessage(result) : nullptr);
    if (error.empty()) error = trimmed(PQerrorMessage(connection_.get()));
    if (error.empty()) error = "unexpected result from Postgres";
    if (PQstatus(connection_.get()) != CONNECTION_OK) error = "lost the connection to Postgres: " + error;
    return PgResult(result, error);
}

PgResult PgConnection::exec(const std::string &sql, const SqlParams &params) {
    std::string error;
    if (!ensure_connected(error)) return PgResult(nullptr, error);
    std::vector<const char *> values;
    values.reserve(params.size());
    for (const auto &param : params) {
        // Text parameters end at their first NUL: refuse rather than store a cut value.
        if (param && param->find('\0') != std::string::npos)
            return PgResult(nullptr, "parameter $" + std::to_string(values.size() + 1) + " contains a NUL byte");
        values.push_back(param ? param->c_str() : nullptr);
    }
    return finish(PQexecParams(connection_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0));
}

PgResult PgConnection::exec_script(const std::string &sql) {
    std::string error;
    if (!ensure_connected(error)) return PgResult(nullptr, error);
    return finish(PQexec(connection_.get(), sql.c_str()));
}

PgResult PgConnection::copy_from(const std::string &copy_statement, std::string_view data) {
    std::string error;
    if (!ensure_connected(error)) return PgResult(nullptr, error);
    pg_conn *connection = connection_.get();
    pg_result *started = PQexec(connection, copy_statement.c_str());
    if (!started || PQresultStatus(started) != PGRES_COPY_IN) return finish(started);
    PQclear(started);
    // Pieces of 1 MiB: libpq buffers what it is given; the server parses rows as they come.
    constexpr size_t kPiece = 1 << 20;
    bool sent = true;
    for (size_t offset = 0; offset < data.size() && sent; offset += kPiece) {
        const size_t length = std::min(kPiece, data.size() - offset);
        sent = PQputCopyData(connection, data.data() + offset, static_cast<int>(length)) == 1;
    }
    // A failed send ends the COPY with an error, so the server does not keep a partial one.
    const bool ended = PQputCopyEnd(connection, sent ? nullptr : "the client could not send the rows") == 1;
    PgResult result = finish(PQgetResult(connection));
    // Whatever else the COPY produced must be read before the next statement.
    while (pg_result *more = PQgetResult(connection)) {
        const bool copy_still_open = PQresultStatus(more) == PGRES_COPY_IN;
        PQclear(more);
        if (copy_still_open) { // the end never reached the server: the connection is unusable
            connection_.reset();
            return PgResult(nullptr, "lost the connection to Postgres during COPY");
        }
    }
    if (result.ok() && (!sent || !ended)) return PgResult(nullptr, "lost the connection to Postgres during COPY");
    return result;
}

bool PgConnection::connected() const { return connection_ && PQstatus(connection_.get()) == CONNECTION_OK; }

Transaction::Transaction(PgConnection &connection) : connection_(connection) {
    const int level = connection_.depth_ + 1;
    auto result = connection_.exec(level == 1 ? "BEGIN" : "SAVEPOINT roomrec_" + std::to_string(level));
    // libpq learns that the server restarted only when a statement fails; BEGIN did nothing,
    // so it is safe to send once more over a new connection.
    if (!result.ok() && level == 1 && PQstatus(connection_.connection_.get()) != CONNECTION_OK)
        result = connection_.exec("BEGIN");
    if (!result.ok()) {
        error_ = result.error();
        return;
    }
    connection_.depth_ = level_ = level;
}

Transaction::~Transaction() {
    if (!active()) return;
    if (level_ == 1) {
        connection_.exec("ROLLBACK");
    } else {
        const std::string savepoint = "roomrec_" + std::to_string(level_);
        connection_.exec("ROLLBACK TO SAVEPOINT " + savepoint);
        connection_.exec("RELEASE SAVEPOINT " + savepoint);
    }
    end();
}

void Transaction::end() {
    connection_.depth_ = level_ - 1;
    level_ = 0;
}

bool Transaction::commit(std::string &error) {
    if (!active() || connection_.depth_ != level_) {
        error = "commit of a transaction that is not the innermost open one";
        return false;
    }
    if (level_ > 1) {
        const auto result = connection_.exec("RELEASE SAVEPOINT roomrec_" + std::to_string(level_));
        if (!result.ok()) {
            error = result.error();
            return false; // the destructor rolls back to the savepoint
        }
        end();
        return true;
    }
    const auto result = connection_.exec("COMMIT");
    end();
    if (!result.ok()) {
        error = result.error();
        return false;
    }
    // COMMIT of a transaction in which a statement failed succeeds as a ROLLBACK.
    if (result.command_status() != "COMMIT") {
        error = "the transaction was rolled back (a statement in it failed)";
        return false;
    }
    return true;
}

} // namespace roomrec::storage
