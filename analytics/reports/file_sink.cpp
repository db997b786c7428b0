#include "analytics/reports/file_sink.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace roomrec::analytics {

namespace {

bool write_all(int fd, std::string_view bytes, int &failure) {
    while (!bytes.empty()) {
        const ssize_t written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0) {
            if (errno == EINTR) continue;
            failure = errno;
            return false;
        }
        bytes.remove_prefix(static_cast<size_t>(written));
    }
    return true;
}

std::string folder_of(const std::string &path) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

FileSink::FileSink(std::string path) : path_(std::move(path)) {}

FileSink::~FileSink() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !temporary_.empty()) ::unlink(temporary_.c_str());
}

bool FileSink::open(std::string &error) {
    std::string pattern = path_ + ".tmp-XXXXXX";
    fd_ = ::mkstemp(pattern.data());
    if (fd_ < 0) {
        error = "cannot create a file beside " + path_ + ": " + std::strerror(errno);
        return false;
    }
    temporary_ = pattern;
    ::fchmod(fd_, 0640);
    return true;
}

bool FileSink::write(std::string_view bytes) {
    if (fd_ < 0 || write_errno_ != 0) return false;
    return write_all(fd_, bytes, write_errno_);
}

bool FileSink::commit(std::string &error) {
    if (fd_ < 0) {
        error = "the export file is not open";
        return false;
    }
    if (write_errno_ != 0) {
        error = "writing " + path_ + ": " + std::strerror(write_errno_);
        return false;
    }
    if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
        fd_ = -1;
        error = "syncing " + path_ + ": " + std::strerror(errno);
        return false;
    }
    fd_ = -1;
    if (::rename(temporary_.c_str(), path_.c_str()) != 0) {
        error = "renaming to " + path_ + ": " + std::strerror(errno);
        return false;
    }
    committed_ = true;
    const int folder = ::open(folder_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (folder >= 0) {
        ::fsync(folder); // the rename survives a crash
        ::close(folder);
    }
    return true;
}

bool FdSink::write(std::string_view bytes) {
    int failure = 0;
    return write_all(fd_, bytes, failure);
}

} // namespace roomrec::analytics
