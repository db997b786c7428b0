#include "plugin/rate_limit_counters.hpp"

namespace roomrec::plugin {

common::JsonPtr RateLimitCounters::describe() const {
    common::JsonPtr counters = common::json_object_ptr();
    for (size_t i = 0; i < refused_.size(); ++i)
        json_object_set_new(counters.get(), domain::signal_kind_name(static_cast<domain::SignalKind>(i)),
                            json_integer(static_cast<json_int_t>(refused_[i])));
    return counters;
}

} // namespace roomrec::plugin
