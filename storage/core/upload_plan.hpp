// How a file is cut into S3 multipart parts (S2). Pure: sizes in, parts out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace roomrec::storage {

constexpr uint64_t kMinPartSize = 5ULL << 20;   // S3: every part but the last is at least 5 MiB
constexpr uint64_t kMaxPartSize = 5ULL << 30;   // S3: at most 5 GiB a part (and a single PUT)
constexpr int kMaxParts = 10000;                // S3: part numbers 1..10000
constexpr uint64_t kMaxObjectSize = 5ULL << 40; // S3: 5 TiB an object

struct PlannedPart {
    int number = 0;      // 1-based
    uint64_t offset = 0; // in the file
    uint64_t length = 0;
};

struct UploadPlan {
    uint64_t part_size = 0; // the requested size, grown when 10,000 parts would not hold the file
    std::vector<PlannedPart> parts;
};

// Parts of `part_size` bytes (the last one may be smaller). The part size grows (in whole MiB)
// when the file would need more than 10,000 parts. Nothing, with the reason in `error`, for an
// empty or too large file or a part size outside 5 MiB..5 GiB.
std::optional<UploadPlan> plan_upload(uint64_t file_size, uint64_t part_size, std::string &error);

} // namespace roomrec::storage
