#include "plugin/media_streams.hpp"

#include <algorithm>

namespace roomrec::plugin {

HandleRef::HandleRef(janus_plugin_session *handle) : handle_(handle) {
    if (handle_ != nullptr) janus_refcount_increase(&handle_->ref);
}

HandleRef::~HandleRef() {
    if (handle_ != nullptr) janus_refcount_decrease(&handle_->ref);
}

void attach_subscriber(PublishedStream &source, const std::shared_ptr<SubscriberStream> &stream) {
    auto next = std::make_shared<SubscriberList>(*source.subscribers.load());
    next->push_back(stream);
    source.subscribers.store(std::move(next));
}

void detach_subscriber(PublishedStream &source, const SubscriberStream *stream) {
    auto next = std::make_shared<SubscriberList>(*source.subscribers.load());
    next->erase(std::remove_if(next->begin(), next->end(), [&](const auto &item) { return item.get() == stream; }),
                next->end());
    source.subscribers.store(std::move(next));
}

} // namespace roomrec::plugin
