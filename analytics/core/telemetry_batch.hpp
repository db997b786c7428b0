// A batch of telemetry rows as the writer sends it (one COPY plus one ledger row, in one
// transaction) and as it waits in the spool. The batch carries what writing it needs besides
// the rows: the days it touches (partitions to create first), the minutes (rollups to refresh)
// and its time span (for the ledger).
#pragma once

#include "analytics/core/telemetry_event.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roomrec::analytics {

struct TelemetryBatch {
    std::string id; // unique: node id, start-up nonce, sequence (make_batch_id)
    uint32_t rows = 0;
    int64_t first_at_us = 0; // earliest and latest event time
    int64_t last_at_us = 0;
    std::vector<int32_t> days;    // distinct UTC days since 1970-01-01, ascending
    std::vector<int64_t> minutes; // distinct minutes since 1970-01-01 00:00 UTC, ascending
    std::string copy_text;        // the rows, COPY text format (copy_format)
};

// "<node id>/<nonce>/<sequence, 12 digits>": unique across nodes (node id), restarts of one
// node (a random nonce per start) and batches of one run (the sequence).
std::string make_batch_id(std::string_view node_id, std::string_view nonce, uint64_t sequence);

// Adds one event as a row; false (batch unchanged, error set) when check_event refuses it.
bool add_event(TelemetryBatch &batch, std::string_view node_id, const TelemetryEvent &event, std::string &error);

// The batch without its id (which the spool record holds) as bytes, and back. Decoding checks
// every count against the bytes and the row count against the COPY text; nothing is trusted.
std::string encode_batch_payload(const TelemetryBatch &batch);
std::optional<TelemetryBatch> decode_batch_payload(std::string_view id, std::string_view payload, std::string &error);

} // namespace roomrec::analytics
