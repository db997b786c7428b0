// How participants, publications and subscriber streams are described in replies, events and
// the Admin API (docs/API.md).
#pragma once

#include "common/json.hpp"
#include "plugin/session.hpp"

namespace roomrec::plugin {

common::JsonPtr describe_publication(const Session &session);
json_t *describe_subscriber_stream(const SubscriberStream &stream);
common::JsonPtr describe_participant(const LiveRoom &room, const domain::Member &member);

} // namespace roomrec::plugin
