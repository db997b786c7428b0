#include "storage/delivery/delivery_spool.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace roomrec::storage {
namespace {

constexpr const char *kRejected = "rejected";
constexpr const char *kSuffix = ".json";

bool sync_folder(const std::string &folder) {
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool synced = fsync(fd) == 0;
    close(fd);
    return synced;
}

// Only names put() makes: digits, '-', the event id's characters, ".json"; never a path.
bool is_entry_name(const std::string &name) {
    if (name.size() < 22 || name.size() > 128 || name.compare(name.size() - 5, 5, kSuffix) != 0) return false;
    return std::all_of(
               name.begin(), name.end(),
               [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
               }) &&
        name[0] != '.';
}

} // namespace

DeliverySpool::DeliverySpool(std::string folder) : folder_(std::move(folder)) {}

bool DeliverySpool::open(std::string &error) const {
    std::error_code failure;
    fs::create_directories(folder_ + "/" + kRejected, failure);
    if (failure) {
        error = "cannot create the delivery spool " + folder_ + ": " + failure.message();
        return false;
    }
    chmod(folder_.c_str(), 0700); // events name users and rooms
    return true;
}

bool DeliverySpool::put(const DeliveryEvent &event, std::string &error) const {
    const std::string text = delivery_event_to_json(event);
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%015lld-", static_cast<long long>(event.created_ms));
    const std::string name = stamp + event.id + kSuffix;
    if (text.empty() || !is_entry_name(name)) {
        error = "event " + event.id + " cannot be spooled (malformed)";
        return false;
    }
    const std::string path = folder_ + "/" + name;
    const std::string temporary = path + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = "cannot write " + temporary + ": " + std::strerror(errno);
        return false;
    }
    const bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
    const int saved = errno;
    close(fd);
    if (!written || rename(temporary.c_str(), path.c_str()) != 0 || !sync_folder(folder_)) {
        error = "cannot write " + path + ": " + std::strerror(written ? errno : saved);
        unlink(temporary.c_str());
        return false;
    }
    return true;
}

std::vector<std::string> DeliverySpool::pending() const {
    std::vector<std::string> names;
    std::error_code failure;
    for (const auto &entry : fs::directory_iterator(folder_, failure)) {
        const std::string name = entry.path().filename();
        if (entry.is_regular_file(failure) && is_entry_name(name)) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::optional<std::string> DeliverySpool::read(const std::string &name) const {
    if (!is_entry_name(name)) return std::nullopt;
    std::ifstream file(folder_ + "/" + name, std::ios::binary);
    if (!file) return std::nullopt;
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

void DeliverySpool::remove(const std::string &name) const {
    if (!is_entry_name(name)) return;
    unlink((folder_ + "/" + name).c_str());
    sync_folder(folder_);
}

void DeliverySpool::reject(const std::string &name) const {
    if (!is_entry_name(name)) return;
    rename((folder_ + "/" + name).c_str(), (folder_ + "/" + kRejected + "/" + name).c_str());
    sync_folder(folder_);
}

} // namespace roomrec::storage
