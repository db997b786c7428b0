#include "plugin/signalling_worker.hpp"

#include <algorithm>

namespace roomrec::plugin {

namespace {
thread_local bool tls_signalling_thread = false;
} // namespace

bool SignallingWorker::on_any_worker_thread() { return tls_signalling_thread; }

SignallingWorker::SignallingWorker(Task tick, std::chrono::milliseconds tick_period)
    : tick_(std::move(tick)), tick_period_(tick_period), thread_([this] { run(); }) {}

SignallingWorker::~SignallingWorker() { stop(); }

bool SignallingWorker::post(Task task) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return false;
        tasks_.push_back(std::move(task));
    }
    wake_.notify_one();
    return true;
}

void SignallingWorker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable() && !on_worker_thread()) thread_.join();
}

void SignallingWorker::run() {
    tls_signalling_thread = true;
    auto next_tick = std::chrono::steady_clock::now() + tick_period_;
    while (true) {
        Task task;
        {
            std::unique_lock lock(mutex_);
            wake_.wait_until(lock, next_tick, [this] { return stopping_ || !tasks_.empty(); });
            if (!tasks_.empty()) {
                task = std::move(tasks_.front());
                tasks_.pop_front();
            } else if (stopping_) {
                return;
            }
        }
        if (task) task();
        const auto now = std::chrono::steady_clock::now();
        if (now >= next_tick) {
            if (tick_) tick_();
            // On the period's grid, so ticks do not drift later by the time tasks take; a tick
            // missed behind a long task is not repeated.
            next_tick = std::max(next_tick + tick_period_, now);
        }
    }
}

} // namespace roomrec::plugin
