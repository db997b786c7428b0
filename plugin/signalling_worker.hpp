// The one signalling thread (DESIGN threading contract): it owns room state, SDP and
// push_event. Other threads post tasks; a tick runs every `tick_period` for housekeeping.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include <cassert>

// Debug builds check the threading contract: room state is touched only on the signalling thread.
#define ROOMREC_ON_SIGNALLING_THREAD() assert(::roomrec::plugin::SignallingWorker::on_any_worker_thread())

namespace roomrec::plugin {

class SignallingWorker {
public:
    using Task = std::function<void()>;

    explicit SignallingWorker(Task tick, std::chrono::milliseconds tick_period = std::chrono::seconds(1));
    ~SignallingWorker();
    SignallingWorker(const SignallingWorker &) = delete;
    SignallingWorker &operator=(const SignallingWorker &) = delete;

    // False once stopping: the task is dropped.
    bool post(Task task);

    // Runs a task and waits for its result, inline when already on the signalling thread.
    template <typename Result>
    std::optional<Result> call(std::function<Result()> task, std::chrono::milliseconds timeout) {
        if (on_worker_thread()) return task();
        auto promise = std::make_shared<std::promise<Result>>();
        auto future = promise->get_future();
        if (!post([promise, task = std::move(task)] { promise->set_value(task()); })) return std::nullopt;
        if (future.wait_for(timeout) != std::future_status::ready) return std::nullopt;
        return future.get();
    }

    bool on_worker_thread() const { return std::this_thread::get_id() == thread_.get_id(); }
    // True on the thread of any SignallingWorker (what the owners' debug checks need).
    static bool on_any_worker_thread();

    // Runs what is queued, then joins the thread.
    void stop();

private:
    void run();

    Task tick_;
    const std::chrono::milliseconds tick_period_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Task> tasks_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace roomrec::plugin
