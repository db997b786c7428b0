// The writer's spool folder: batches wait here, durable, while Postgres is away, in segment
// files batches-<sequence>.spool (core/spool_file.hpp records), oldest first. The writer
// appends to the newest segment; replay reads whole segments and removes each once all its
// batches are in Postgres. A segment in which damage was found, and a batch Postgres refused
// as data, are moved to rejected/ for the operator instead of being deleted.
#pragma once

#include "analytics/core/spool_file.hpp"
#include "analytics/core/telemetry_batch.hpp"

#include <memory>
#include <string>
#include <vector>

namespace roomrec::analytics {

class TelemetrySpool {
public:
    static constexpr uint64_t kSegmentBytes = 32u << 20; // a new segment after this

    explicit TelemetrySpool(std::string folder);

    // Creates the folder and rejected/ (owner-only: events name users).
    bool open(std::string &error);
    // Segment paths, oldest first.
    std::vector<std::string> segments() const;
    bool empty() const { return segments().empty(); }
    // Durable when true.
    bool append(const TelemetryBatch &batch, std::string &error);
    // Closes the segment being appended to; the next append starts a new one.
    void rotate();
    bool is_current(const std::string &path) const { return current_ && current_->path() == path; }
    // A segment whose batches are all in Postgres: removed, or moved to rejected/ if damaged.
    void finish(const std::string &path, bool damaged);
    // Keeps a batch Postgres refused in rejected/ (a one-record spool file) with the reason.
    bool reject(const TelemetryBatch &batch, const std::string &why, std::string &error);

    const std::string &folder() const { return folder_; }

private:
    std::string segment_path(uint64_t sequence) const;

    std::string folder_;
    uint64_t next_sequence_ = 1;
    uint64_t rejected_ = 0;
    std::unique_ptr<SpoolFile> current_;
};

} // namespace roomrec::analytics
