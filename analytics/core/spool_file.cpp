#include "analytics/core/spool_file.hpp"

#include "common/crc32.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace roomrec::analytics {

namespace {

constexpr char kMagic[4] = {'R', 'R', 'T', 'S'};

uint32_t load32(const char *bytes) {
    uint32_t value;
    std::memcpy(&value, bytes, sizeof value);
    return value;
}

void store32(std::string &out, uint32_t value) {
    char bytes[4];
    std::memcpy(bytes, &value, sizeof value);
    out.append(bytes, 4);
}

enum class Parse { Ok, Incomplete, Bad };

// The record at `at`: Ok (fills record, next), Incomplete (runs past the end), Bad. crc_bytes
// grows by the bytes whose CRC it computed.
Parse parse_record(std::string_view bytes, size_t at, SpoolRecord &record, size_t &next, uint64_t &crc_bytes) {
    const size_t left = bytes.size() - at;
    if (left < sizeof kMagic) return std::memcmp(bytes.data() + at, kMagic, left) == 0 ? Parse::Incomplete : Parse::Bad;
    if (std::memcmp(bytes.data() + at, kMagic, sizeof kMagic) != 0) return Parse::Bad;
    if (left < kSpoolHeaderBytes) return Parse::Incomplete;
    const uint32_t length = load32(bytes.data() + at + 4);
    if (length > kMaxSpoolBody || length < 2) return Parse::Bad;
    if (left - kSpoolHeaderBytes < length) return Parse::Incomplete;
    const std::string_view body = bytes.substr(at + kSpoolHeaderBytes, length);
    crc_bytes += length;
    const uint32_t crc = common::crc32(body, common::crc32(bytes.substr(at + 4, 4)));
    if (crc != load32(bytes.data() + at + 8)) return Parse::Bad;
    const size_t id_length = static_cast<unsigned char>(body[0]) |
                             static_cast<size_t>(static_cast<unsigned char>(body[1])) << 8;
    if (id_length > body.size() - 2) return Parse::Bad;
    record.batch_id = body.substr(2, id_length);
    record.payload = body.substr(2 + id_length);
    record.offset = at;
    next = at + kSpoolHeaderBytes + length;
    return Parse::Ok;
}

bool write_all(int fd, const std::string &bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t written = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return false;
        done += static_cast<size_t>(written);
    }
    return true;
}

std::string folder_of(const std::string &path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

std::string encode_spool_record(std::string_view batch_id, std::string_view payload) {
    if (batch_id.size() > 0xFFFF || payload.size() > kMaxSpoolBody - 2 - batch_id.size()) return "";
    std::string body;
    body.reserve(2 + batch_id.size() + payload.size());
    body.push_back(static_cast<char>(batch_id.size() & 0xFF));
    body.push_back(static_cast<char>(batch_id.size() >> 8));
    body.append(batch_id).append(payload);
    std::string record(kMagic, sizeof kMagic);
    store32(record, static_cast<uint32_t>(body.size()));
    store32(record, common::crc32(body, common::crc32(std::string_view(record).substr(4, 4))));
    record.append(body);
    return record;
}

SpoolScan scan_spool(std::string_view bytes) {
    SpoolScan scan;
    size_t at = 0;
    // After damage every later magic is a candidate whose CRC must be checked, and a file of
    // nothing but headers whose lengths run to its end would make that quadratic (a damaged
    // 256 KiB took 21 s, found by fuzz_telemetry_spool). The checks share a budget of four
    // times the file's size (each valid record is checked at most twice: as a candidate, then
    // as the record); past it, the rest of the file counts as corrupt.
    const uint64_t crc_budget = 4 * static_cast<uint64_t>(bytes.size());
    uint64_t crc_bytes = 0;
    while (at < bytes.size()) {
        SpoolRecord record;
        size_t next = 0;
        const Parse parsed = parse_record(bytes, at, record, next, crc_bytes);
        if (parsed == Parse::Ok) {
            scan.records.push_back(std::move(record));
            at = scan.valid_end = next;
            continue;
        }
        // Skip to the next place where a whole valid record starts, if there is one.
        size_t resume = std::string_view::npos;
        for (size_t candidate = bytes.find(std::string_view(kMagic, sizeof kMagic), at + 1);
             candidate != std::string_view::npos && crc_bytes <= crc_budget;
             candidate = bytes.find(std::string_view(kMagic, sizeof kMagic), candidate + 1)) {
            SpoolRecord probe;
            size_t probe_next;
            if (parse_record(bytes, candidate, probe, probe_next, crc_bytes) == Parse::Ok) {
                resume = candidate;
                break;
            }
        }
        if (resume != std::string_view::npos) {
            ++scan.corrupt_regions;
            scan.corrupt_bytes += resume - at;
            at = resume;
            continue;
        }
        if (parsed == Parse::Incomplete) {
            scan.torn_bytes = bytes.size() - at;
        } else {
            ++scan.corrupt_regions;
            scan.corrupt_bytes += bytes.size() - at;
        }
        break;
    }
    return scan;
}

SpoolFile::SpoolFile(std::string path) : path_(std::move(path)) {}

SpoolFile::~SpoolFile() { close(); }

void SpoolFile::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

bool SpoolFile::open_for_append(std::string &error) {
    close();
    struct stat info {};
    const bool existed = ::stat(path_.c_str(), &info) == 0;
    if (existed) {
        const auto scan = read(path_, error);
        if (!scan) return false;
        truncated_ = static_cast<uint64_t>(info.st_size) - scan->valid_end;
        if (truncated_ > 0 && ::truncate(path_.c_str(), static_cast<off_t>(scan->valid_end)) != 0) {
            error = "cannot truncate the spool file " + path_ + ": " + std::strerror(errno);
            return false;
        }
        size_ = scan->valid_end;
    }
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0) {
        error = "cannot open the spool file " + path_ + ": " + std::strerror(errno);
        return false;
    }
    if ((!existed || truncated_ > 0) && (::fsync(fd_) != 0 || !sync_folder(folder_of(path_)))) {
        error = "cannot sync the spool file " + path_ + ": " + std::strerror(errno);
        close();
        return false;
    }
    return true;
}

bool SpoolFile::append(std::string_view batch_id, std::string_view payload, std::string &error) {
    if (fd_ < 0) {
        error = "the spool file " + path_ + " is not open";
        return false;
    }
    const std::string record = encode_spool_record(batch_id, payload);
    if (record.empty()) {
        error = "batch " + std::string(batch_id) + " is too large for the spool";
        return false;
    }
    if (!write_all(fd_, record) || ::fsync(fd_) != 0) {
        error = "cannot write the spool file " + path_ + ": " + std::strerror(errno);
        // A partial record may be on disk: cut it off so that the next one does not follow it.
        if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) close();
        return false;
    }
    size_ += record.size();
    return true;
}

std::optional<SpoolScan> SpoolFile::read(const std::string &path, std::string &error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = "cannot open the spool file " + path + ": " + std::strerror(errno);
        return std::nullopt;
    }
    std::string bytes;
    char buffer[1 << 16];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            error = "cannot read the spool file " + path + ": " + std::strerror(errno);
            ::close(fd);
            return std::nullopt;
        }
        if (got == 0) break;
        bytes.append(buffer, static_cast<size_t>(got));
    }
    ::close(fd);
    return scan_spool(bytes);
}

bool sync_folder(const std::string &folder) {
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    return synced;
}

} // namespace roomrec::analytics
