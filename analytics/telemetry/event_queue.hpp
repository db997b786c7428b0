// The writer's inbox: bounded, many producers (any plugin thread), one consumer (the writer
// thread), lock-free (common/mpsc_ring.hpp): a producer never waits; a full queue refuses and
// leaves the event with the caller. Events are moved into the ring itself (their strings'
// buffers change hands, nothing is copied): a push is a move and a CAS, no allocation. The
// pages of the large ring (10^6 events) are touched only once a burst needs them.
// try_push(event, keep_free) keeps room for events that are not periodic (TelemetryWriter).
#pragma once

#include "analytics/core/telemetry_event.hpp"
#include "common/mpsc_ring.hpp"

namespace roomrec::analytics {

using EventQueue = common::MpscRing<TelemetryEvent>;

} // namespace roomrec::analytics
