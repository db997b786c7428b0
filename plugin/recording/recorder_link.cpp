#include "plugin/recording/recorder_link.hpp"

#include "recorder/contract/control_messages.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char **environ;

namespace roomrec::plugin {
namespace {

// Fixed descriptor numbers in the worker: its socket, and the folder lock it only holds.
constexpr int kWorkerSocketFd = 3;
constexpr int kWorkerLockFd = 4;
constexpr int kIdlePollMs = 5;
constexpr int kControlSendTimeoutMs = 2000;
constexpr int kRtpSendTimeoutMs = 20;
constexpr size_t kRecordsPerRound = 512;

int64_t now_us() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000000LL + now.tv_nsec / 1000;
}

bool wait_writable(int fd, int timeout_ms) {
    pollfd entry{fd, POLLOUT, 0};
    return poll(&entry, 1, timeout_ms) == 1 && (entry.revents & POLLOUT);
}

} // namespace

RecorderLink::RecorderLink(RecorderSettings settings, std::string folder, int lock_fd,
                           std::function<void(const LinkEvent &)> on_event)
    : settings_(std::move(settings)), folder_(std::move(folder)), lock_fd_(lock_fd), on_event_(std::move(on_event)),
      ring_(settings_.queue_packets) {}

RecorderLink::~RecorderLink() {
    stop();
    join();
    if (socket_ >= 0) close(socket_);
}

std::string RecorderLink::segment_path(int index) const {
    return folder_ + "/segment-" + std::to_string(index) + ".mp4";
}

bool RecorderLink::start(std::string &error) {
    if (!spawn(error)) return false;
    thread_ = std::thread([this] { run(); });
    return true;
}

void RecorderLink::join() {
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void RecorderLink::add_stream(uint16_t id, const std::string &spec_json) {
    std::lock_guard lock(mutex_);
    streams_[id] = spec_json;
    controls_.push_back({recorder::WireType::AddStream, id, spec_json});
}

void RecorderLink::remove_stream(uint16_t id) {
    std::lock_guard lock(mutex_);
    if (streams_.erase(id) == 0) return;
    controls_.push_back({recorder::WireType::RemoveStream, id, {}});
}

void RecorderLink::stop() {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
}

bool RecorderLink::spawn(std::string &error) {
    // The worker's filesink opens the segment for writing (truncating keeps the mode); created
    // here so its mode never depends on a umask.
    const std::string segment = segment_path(segment_);
    const int segment_fd = open(segment.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                                settings_.file_mode);
    if (segment_fd < 0 || fchmod(segment_fd, settings_.file_mode) != 0) {
        error = "cannot create " + segment + ": " + std::strerror(errno);
        if (segment_fd >= 0) close(segment_fd);
        return false;
    }
    close(segment_fd);
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
        error = std::string("socketpair: ") + std::strerror(errno);
        return false;
    }
    // Above the fixed numbers, so dup2 onto them always makes a fresh, inheritable descriptor.
    const int child_end = fcntl(pair[1], F_DUPFD_CLOEXEC, 10);
    close(pair[1]);
    const int send_buffer = 4 << 20;
    setsockopt(pair[0], SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof send_buffer);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, child_end, kWorkerSocketFd);
    if (lock_fd_ >= 0) posix_spawn_file_actions_adddup2(&actions, lock_fd_, kWorkerLockFd);
    // Nothing else of Janus's (a listening socket a worker orphaned by a crash would keep open).
    posix_spawn_file_actions_addclosefrom_np(&actions, kWorkerLockFd + 1);
    std::string fd_text = std::to_string(kWorkerSocketFd);
    char *argv[] = {const_cast<char *>(settings_.recorder_path.c_str()), const_cast<char *>("--fd"), fd_text.data(),
                    nullptr};
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, settings_.recorder_path.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(child_end);
    if (spawned != 0) {
        close(pair[0]);
        error = "cannot run " + settings_.recorder_path + ": " + std::strerror(spawned);
        return false;
    }
    pid_ = pid;
    socket_ = pair[0];
    segments_.push_back(segment_path(segment_));
    send_configuration();
    return true;
}

// A new worker gets the output settings, then every stream that is live now.
void RecorderLink::send_configuration() {
    recorder::WorkerConfig config;
    config.output = segments_.back();
    config.width = settings_.width;
    config.height = settings_.height;
    config.fps = settings_.fps;
    config.video_bitrate_kbps = settings_.video_bitrate_kbps;
    config.x264_preset = settings_.x264_preset;
    config.max_stage_width = settings_.max_stage_size.width;
    config.max_stage_height = settings_.max_stage_size.height;
    config.max_webcam_width = settings_.max_webcam_size.width;
    config.max_webcam_height = settings_.max_webcam_size.height;
    config.memory_limit_mib = settings_.memory_limit_mib;
    // A restarted worker's tracks are new files too, beside its new segment.
    if (settings_.tracks) config.tracks = folder_ + "/tracks-" + std::to_string(segment_);
    const auto message = recorder::encode_wire(recorder::WireType::Config, 0, recorder::encode(config));
    send_record(message.data(), message.size(), true);
    std::map<uint16_t, std::string> streams;
    {
        std::lock_guard lock(mutex_);
        streams = streams_;
        // Queued controls describe changes the replay already contains.
        controls_.clear();
    }
    for (const auto &[id, spec] : streams) {
        const auto add = recorder::encode_wire(recorder::WireType::AddStream, id, spec);
        send_record(add.data(), add.size(), true);
    }
}

bool RecorderLink::send_record(const uint8_t *data, size_t length, bool must_deliver) {
    if (socket_ < 0) {
        unsent_.fetch_add(1);
        return false;
    }
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (send(socket_, data, length, MSG_DONTWAIT | MSG_NOSIGNAL) == static_cast<ssize_t>(length)) return true;
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) break; // the worker is gone
        if (!wait_writable(socket_, must_deliver ? kControlSendTimeoutMs : kRtpSendTimeoutMs)) break;
    }
    unsent_.fetch_add(1);
    return false;
}

void RecorderLink::run() {
    uint8_t record[common::PacketRing::kMaxRecord];
    while (!done_) {
        std::deque<Control> controls;
        bool stop_now;
        {
            std::lock_guard lock(mutex_);
            controls.swap(controls_);
            stop_now = stop_requested_;
        }
        for (const auto &control : controls) {
            const auto message = recorder::encode_wire(control.type, control.stream, control.payload);
            send_record(message.data(), message.size(), true);
        }
        size_t sent = 0;
        for (size_t length; sent < kRecordsPerRound && (length = ring_.pop(record)) != 0; ++sent)
            send_record(record, length, false);
        // Stop goes after what the tap already holds, so the file ends with the last packets.
        if (stop_now && !stopping_ && sent == 0) {
            const auto message = recorder::encode_wire(recorder::WireType::Stop, 0, "");
            send_record(message.data(), message.size(), true);
            stopping_ = true;
            stop_sent_us_ = now_us();
        }
        pollfd entry{socket_, POLLIN, 0};
        if (socket_ >= 0 && poll(&entry, 1, sent == kRecordsPerRound ? 0 : kIdlePollMs) > 0) {
            if (entry.revents & POLLIN) read_events();
            else if (entry.revents & (POLLHUP | POLLERR)) handle_worker_exit();
        }
        if (!done_ && stopping_ && now_us() - stop_sent_us_ > settings_.stop_timeout_ms * 1000) {
            // A worker that cannot finish in time is killed; its fragments stay playable.
            reap(true);
            handle_worker_exit();
        }
    }
}

void RecorderLink::read_events() {
    uint8_t buffer[recorder::kMaxWireMessage];
    for (;;) {
        const ssize_t length = recv(socket_, buffer, sizeof buffer, MSG_DONTWAIT);
        if (length < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (length <= 0) {
            handle_worker_exit();
            return;
        }
        const auto message = recorder::decode_wire(buffer, static_cast<size_t>(length));
        if (!message || message->type != recorder::WireType::Event) continue;
        const auto decoded = recorder::decode_worker_event(
            std::string_view(reinterpret_cast<const char *>(message->payload.data()), message->payload.size()));
        const auto *event = std::get_if<recorder::WorkerEvent>(&decoded);
        if (event == nullptr) continue; // a worker of another version: its other events still count
        if (event->kind == recorder::WorkerEvent::Kind::FirstFrame) {
            if (!first_frame_seen_) {
                first_frame_seen_ = true;
                on_event_({LinkEvent::FirstFrame, {}, 0, false, {}});
            }
            if (gap_started_us_ != 0) {
                on_event_({LinkEvent::GapClosed, {}, (now_us() - gap_started_us_) / 1e6, false, {}});
                gap_started_us_ = 0;
            }
        } else if (event->kind == recorder::WorkerEvent::Kind::Error) {
            last_error_ = event->message.empty() ? "recorder error" : event->message;
        } else if (event->kind == recorder::WorkerEvent::Kind::InputRejected) {
            LinkEvent rejected{LinkEvent::InputRejected, {}, 0, false, {}};
            rejected.stream = static_cast<uint16_t>(event->stream);
            rejected.width = event->width;
            rejected.height = event->height;
            rejected.dropped_frames = event->dropped_frames;
            on_event_(rejected);
        }
    }
}

void RecorderLink::reap(bool kill_first) {
    if (pid_ <= 0) return;
    if (kill_first) kill(pid_, SIGKILL);
    for (int waited_ms = 0; waited_ms < 3000; waited_ms += 10) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            if (WIFSIGNALED(status))
                last_error_ = "the recorder was killed by signal " + std::to_string(WTERMSIG(status));
            pid_ = -1;
            return;
        }
        usleep(10000);
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

void RecorderLink::handle_worker_exit() {
    if (socket_ >= 0) close(socket_);
    socket_ = -1;
    reap(false);
    auto written = [this] {
        std::vector<std::string> files;
        for (const auto &path : segments_) {
            struct stat info {};
            if (stat(path.c_str(), &info) == 0 && info.st_size > 0) files.push_back(path);
        }
        return files;
    };
    if (stopping_) {
        done_ = true;
        on_event_({LinkEvent::Finished, last_error_, 0, !first_frame_seen_, written()});
        return;
    }
    const std::string why = last_error_.empty() ? "the recorder exited" : last_error_;
    last_error_.clear();
    if (restarts_.load() >= settings_.max_restarts) {
        done_ = true;
        on_event_({LinkEvent::Finished, why + "; giving up after " + std::to_string(restarts_.load()) + " restarts", 0,
                   true, written()});
        return;
    }
    if (gap_started_us_ == 0) gap_started_us_ = now_us();
    restarts_.fetch_add(1);
    usleep(100000 * restarts_.load()); // a worker that dies at once must not spin
    ++segment_;
    std::string error;
    const bool spawned = spawn(error);
    // Told once the new worker has every stream: what the owner sends for them then (keyframe
    // requests, the last sender reports) reaches the new worker rather than the gap.
    on_event_({LinkEvent::WorkerDied, why, 0, false, {}});
    if (!spawned) {
        done_ = true;
        on_event_({LinkEvent::Finished, error, 0, true, written()});
    }
}

} // namespace roomrec::plugin
