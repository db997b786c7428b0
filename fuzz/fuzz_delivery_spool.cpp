// A delivery spool entry (storage/delivery/delivery_spool.hpp: <ms>-<id>.json files the
// delivery worker imports into the Postgres outbox). The entry is read from disk and decoded by
// storage/core/delivery_event.hpp's delivery_event_from_json, which this target fuzzes: a spool
// file may be torn by a crash or written by anyone with access to the folder. A decoded event
// encodes to JSON that decodes to the same event (the encoding is a fixed point).
#include "common/utf8.hpp"
#include "fuzz/fuzz_check.hpp"
#include "storage/core/delivery_event.hpp"

#include <string>

using namespace roomrec::storage;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string error;
    const auto event = delivery_event_from_json(std::string_view(reinterpret_cast<const char *>(data), size), error);
    if (!event) {
        FUZZ_CHECK(!error.empty());
        FUZZ_CHECK(roomrec::common::valid_utf8(error));
        return 0;
    }
    FUZZ_CHECK(!event->id.empty());
    const bool recording_event = event->type != DeliveryEventType::SessionEnded;
    FUZZ_CHECK(event->recording.has_value() == recording_event);
    FUZZ_CHECK(parse_delivery_event_name(delivery_event_name(event->type)) == event->type);
    const std::string text = delivery_event_to_json(*event);
    FUZZ_CHECK(!text.empty());
    FUZZ_CHECK(roomrec::common::valid_utf8(text));
    std::string again_error;
    const auto again = delivery_event_from_json(text, again_error);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(delivery_event_to_json(*again) == text);
    return 0;
}
