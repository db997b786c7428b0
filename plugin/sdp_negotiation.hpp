// SDP for publishers (answer a multistream offer) and subscribers (offer a chosen set of
// streams), built with Janus's sdp-utils. Signalling thread only.
#pragma once

#include "domain/request_schema.hpp"
#include "plugin/core/stream_plan.hpp"
#include "plugin/media_streams.hpp"

#include <jansson.h>

#include <string>
#include <variant>
#include <vector>

namespace roomrec::plugin {

struct PublisherAnswer {
    std::string sdp;
    std::vector<std::pair<PlannedStream, NegotiatedCodec>> streams;
};

std::variant<PublisherAnswer, domain::ValidationError> answer_publisher(const char *offer_sdp,
                                                                        const json_t *descriptions);

// One m-line per stream, in order; a stream whose source has gone is offered inactive.
std::variant<std::string, domain::ValidationError>
offer_subscriber(const std::vector<const SubscriberStream *> &streams);

// Checks that a JSEP object is {"type": expected_type, "sdp": parsable}.
std::optional<domain::ValidationError> check_jsep(const json_t *jsep, const char *expected_type);

} // namespace roomrec::plugin
