#include "plugin/telemetry_retention.hpp"

#include "analytics/telemetry/telemetry_admin.hpp"
#include "common/log.hpp"
#include "storage/db/database.hpp"
#include "storage/db/migrations.hpp"

#include <chrono>

namespace roomrec::plugin {
namespace {

constexpr common::Logger kLog("retention");

constexpr auto kPeriod = std::chrono::hours(24);
constexpr auto kRetryAfterFailure = std::chrono::minutes(5);

} // namespace

TelemetryRetention::TelemetryRetention(std::string conninfo, int days) : conninfo_(std::move(conninfo)), days_(days) {}

TelemetryRetention::~TelemetryRetention() { stop(); }

void TelemetryRetention::start() {
    thread_ = std::thread([this] { run(); });
}

void TelemetryRetention::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void TelemetryRetention::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        const bool done = apply();
        lock.lock();
        wake_.wait_for(lock, done ? std::chrono::duration_cast<std::chrono::minutes>(kPeriod) : kRetryAfterFailure,
                       [this] { return stopping_; });
    }
}

bool TelemetryRetention::apply() {
    storage::Database connection(conninfo_);
    std::string error;
    if (!connection.ensure_connected(error)) {
        kLog.warning("Postgres is not reachable (" + error + "); trying again in 5 minutes");
        return false;
    }
    // This thread may be the first of the node to reach a fresh database: the schema it uses is
    // made first (every thread that uses it does the same; the migrations are serialized by an
    // advisory lock and skip what is applied).
    if (!storage::apply_migrations(connection, error)) {
        kLog.warning("cannot bring the schema up to date (" + error + "); trying again in 5 minutes");
        return false;
    }
    analytics::TelemetryAdmin admin(connection);
    const auto dropped = admin.drop_partitions_older_than(days_, error);
    if (!dropped) {
        kLog.warning(error + "; trying again in 5 minutes");
        return false;
    }
    if (dropped->partitions > 0 || dropped->default_rows > 0)
        kLog.info("dropped " + std::to_string(dropped->partitions) + " day(s) and " +
                  std::to_string(dropped->default_rows) + " stray row(s) older than " + std::to_string(days_) +
                  " days");
    return true;
}

} // namespace roomrec::plugin
