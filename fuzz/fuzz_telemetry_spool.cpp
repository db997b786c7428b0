// A telemetry spool segment (analytics/telemetry/telemetry_spool.hpp): the writer's batches
// while Postgres is away, replayed at start-up. The file is read whole and parsed by the pure
// analytics/core scan_spool and decode_batch_payload, which this target fuzzes: the file may be
// torn by a crash or damaged on disk. The scan accounts for every byte, each record it keeps
// re-encodes to the bytes it came from, and a batch that decodes encodes back to its payload.
#include "analytics/core/spool_file.hpp"
#include "analytics/core/telemetry_batch.hpp"
#include "fuzz/fuzz_check.hpp"

#include <cstring>
#include <string>

using namespace roomrec::analytics;

namespace {

void check_batch(const SpoolRecord &record) {
    std::string error;
    const auto batch = decode_batch_payload(record.batch_id, record.payload, error);
    if (!batch) {
        FUZZ_CHECK(!error.empty());
        return;
    }
    FUZZ_CHECK(error.empty());
    FUZZ_CHECK(batch->id == record.batch_id);
    FUZZ_CHECK(batch->first_at_us <= batch->last_at_us);
    FUZZ_CHECK(encode_batch_payload(*batch) == record.payload);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char *>(data), size);
    const SpoolScan scan = scan_spool(bytes);
    uint64_t kept = 0, previous_end = 0;
    for (const SpoolRecord &record : scan.records) {
        const std::string encoded = encode_spool_record(record.batch_id, record.payload);
        FUZZ_CHECK(!encoded.empty());
        FUZZ_CHECK(record.offset >= previous_end && record.offset + encoded.size() <= size);
        FUZZ_CHECK(bytes.substr(record.offset, encoded.size()) == encoded);
        previous_end = record.offset + encoded.size();
        kept += encoded.size();
        check_batch(record);
    }
    FUZZ_CHECK(scan.valid_end == previous_end);
    FUZZ_CHECK(kept + scan.corrupt_bytes + scan.torn_bytes == size);
    FUZZ_CHECK((scan.corrupt_bytes == 0) == (scan.corrupt_regions == 0));
    // A torn tail is only ever the end of the file, after the last valid record.
    FUZZ_CHECK(scan.torn_bytes == 0 || scan.valid_end + scan.corrupt_bytes + scan.torn_bytes == size ||
               scan.torn_bytes <= size - scan.valid_end);
    // The payload alone, as if a record carried these bytes.
    check_batch(SpoolRecord{"node/nonce/000000000001", std::string(bytes), 0});
    return 0;
}
