#include "storage/db/database.hpp"

#include <libpq-fe.h>
#include <pqxx/except>

#include <optional>

namespace roomrec::storage {

namespace {

std::string trimmed(const char *message) {
    std::string text = message ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

std::string quoted(const std::string &value) {
    std::string out = "'";
    for (const char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

// The conninfo (key=value pairs or a URI) as the key=value string pqxx connects with: the
// defaults below unless it sets them, and always UTF-8 (rows are UTF-8 everywhere here).
// Keepalives: a server that vanished without closing the TCP connection is noticed in about
// a minute instead of the kernel's two hours. Nothing when it does not parse. pqxx 6.4 has
// no conninfo parser, so libpq's is used, and its message is dropped: it quotes pieces of the
// conninfo, maybe the password.
std::optional<std::string> connection_options(const std::string &conninfo) {
    char *parse_error = nullptr;
    PQconninfoOption *options = PQconninfoParse(conninfo.c_str(), &parse_error);
    PQfreemem(parse_error);
    if (options == nullptr) return std::nullopt;
    std::vector<std::pair<std::string, std::string>> pairs = {{"connect_timeout", "5"},
                                                              {"keepalives_idle", "30"},
                                                              {"keepalives_interval", "10"},
                                                              {"keepalives_count", "3"},
                                                              {"fallback_application_name", "roomrec"}};
    for (const PQconninfoOption *option = options; option->keyword != nullptr; ++option) {
        if (option->val == nullptr || std::string(option->keyword) == "client_encoding") continue;
        bool replaced = false;
        for (auto &[key, value] : pairs)
            if (key == option->keyword) {
                value = option->val;
                replaced = true;
            }
        if (!replaced) pairs.emplace_back(option->keyword, option->val);
    }
    PQconninfoFree(options);
    pairs.emplace_back("client_encoding", "UTF8");
    std::string text;
    for (const auto &[key, value] : pairs) text += (text.empty() ? "" : " ") + key + "=" + quoted(value);
    return text;
}

} // namespace

std::string Database::describe_target(const std::string &conninfo) {
    char *parse_error = nullptr;
    PQconninfoOption *options = PQconninfoParse(conninfo.c_str(), &parse_error);
    PQfreemem(parse_error); // may quote the password
    if (options == nullptr) return "an unreadable conninfo";
    std::string host, port, dbname, user;
    for (const PQconninfoOption *option = options; option->keyword != nullptr; ++option) {
        if (option->val == nullptr) continue;
        const std::string key = option->keyword;
        if (key == "host" || (key == "hostaddr" && host.empty())) host = option->val;
        else if (key == "port") port = option->val;
        else if (key == "dbname") dbname = option->val;
        else if (key == "user") user = option->val;
    }
    PQconninfoFree(options);
    return (user.empty() ? "" : user + "@") + (host.empty() ? "local socket" : host) + (port.empty() ? "" : ":" + port) +
           "/" + (dbname.empty() ? "(default database)" : dbname);
}

Database::Database(std::string conninfo) : conninfo_(std::move(conninfo)) {}

Database::~Database() = default;

bool Database::ensure_connected(std::string &error) {
    if (connection_ && connection_->is_open()) {
        // A server that shut down or restarted closed this connection while it was idle.
        // Reading what it sent finds that out before a statement fails on it: that failure
        // would be reported, and libpqxx 6.4 leaks the failed statement's PGresult (it asks
        // the broken connection for its encoding before it takes the result over).
        // Twice: a server that shut down sent its last words (a FATAL notice) before closing,
        // and the first read takes in only those; the second finds the closed socket. On a
        // live connection it is one more non-blocking read that finds nothing.
        try {
            connection_->get_notifs();
            connection_->get_notifs();
            return true;
        } catch (const std::exception &) {
            // closed: connect again
        }
    }
    connection_.reset();
    const auto options = connection_options(conninfo_);
    if (!options) {
        error = "the Postgres conninfo is malformed (not shown: it may hold a password)";
        return false;
    }
    try {
        connection_ = std::make_unique<pqxx::connection>(*options);
        for (const auto &[name, sql] : prepared_) connection_->prepare(name, sql);
    } catch (const std::exception &failure) {
        connection_.reset();
        error = "cannot connect to Postgres: " + trimmed(failure.what());
        return false;
    }
    return true;
}

bool Database::connected() const { return connection_ && connection_->is_open(); }

void Database::prepare(const std::string &name, const std::string &sql) {
    for (const auto &statement : prepared_)
        if (statement.first == name) return;
    prepared_.emplace_back(name, sql);
    if (connection_) connection_->prepare(name, sql); // sent to the server when first run
}

std::string Database::describe(const std::exception &failure) {
    const std::string why = trimmed(failure.what());
    if (dynamic_cast<const pqxx::in_doubt_error *>(&failure))
        return "the connection was lost during COMMIT, which may or may not have taken effect (" + why + ")";
    if (dynamic_cast<const pqxx::broken_connection *>(&failure)) return "lost the connection to Postgres (" + why + ")";
    return why.empty() ? "unexpected failure of Postgres" : why;
}

std::string Database::sqlstate(const std::exception &failure) {
    const auto *refused = dynamic_cast<const pqxx::sql_error *>(&failure);
    return refused ? refused->sqlstate() : "";
}

} // namespace roomrec::storage
