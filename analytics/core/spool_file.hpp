// One append-only spool file of batches: the writer's durable store while Postgres is away.
// A record is
//     magic "RRTS" | u32 length | u32 crc32 | body (length bytes)
//     body = u16 batch id length | batch id | payload
// (integers little-endian; the CRC covers the length field and the body). Reading never
// trusts the file: a torn tail (a crash mid-write) ends the scan, a record whose CRC or length
// is wrong is skipped up to the next valid record, and both are counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roomrec::analytics {

inline constexpr size_t kSpoolHeaderBytes = 12;
inline constexpr uint32_t kMaxSpoolBody = 64u << 20; // a larger length field is corruption

// One record's bytes; "" when the id or payload is too large for the format.
std::string encode_spool_record(std::string_view batch_id, std::string_view payload);

struct SpoolRecord {
    std::string batch_id;
    std::string payload;
    uint64_t offset = 0; // where the record starts in the file
};

struct SpoolScan {
    std::vector<SpoolRecord> records; // the valid ones, in file order
    uint64_t corrupt_regions = 0;     // runs of bytes skipped between valid records (or at the end)
    uint64_t corrupt_bytes = 0;
    uint64_t torn_bytes = 0; // an incomplete last record (a crash mid-write)
    uint64_t valid_end = 0;  // the end of the last valid record: where appends go
};

SpoolScan scan_spool(std::string_view bytes);

class SpoolFile {
public:
    explicit SpoolFile(std::string path);
    ~SpoolFile();
    SpoolFile(const SpoolFile &) = delete;
    SpoolFile &operator=(const SpoolFile &) = delete;

    const std::string &path() const { return path_; }
    // Opens (creating with mode 0600, and syncing the folder so the name is durable) for
    // appending. An existing file is scanned first and a torn or corrupt tail cut off
    // (counted in truncated_bytes), so a new record never follows garbage.
    bool open_for_append(std::string &error);
    // Durable (written and fsync'd) when it returns true.
    bool append(std::string_view batch_id, std::string_view payload, std::string &error);
    uint64_t size() const { return size_; }
    uint64_t truncated_bytes() const { return truncated_; }
    void close();

    // The whole file scanned; nullopt (error set) if it cannot be read.
    static std::optional<SpoolScan> read(const std::string &path, std::string &error);

private:
    std::string path_;
    int fd_ = -1;
    uint64_t size_ = 0;
    uint64_t truncated_ = 0;
};

// fsync of a folder, so that a file created, renamed or removed in it stays so after a crash.
bool sync_folder(const std::string &folder);

} // namespace roomrec::analytics
