#include "storage/core/upload_plan.hpp"

namespace roomrec::storage {

std::optional<UploadPlan> plan_upload(uint64_t file_size, uint64_t part_size, std::string &error) {
    if (part_size < kMinPartSize || part_size > kMaxPartSize) {
        error = "part size " + std::to_string(part_size) + " is outside 5 MiB..5 GiB";
        return std::nullopt;
    }
    if (file_size == 0) {
        error = "an empty file has no parts (send it with a single PUT)";
        return std::nullopt;
    }
    if (file_size > kMaxObjectSize) {
        error = "file of " + std::to_string(file_size) + " bytes is larger than S3's 5 TiB object limit";
        return std::nullopt;
    }
    UploadPlan plan;
    plan.part_size = part_size;
    if ((file_size + part_size - 1) / part_size > static_cast<uint64_t>(kMaxParts)) {
        constexpr uint64_t mib = 1ULL << 20;
        const uint64_t needed = (file_size + kMaxParts - 1) / kMaxParts;
        plan.part_size = (needed + mib - 1) / mib * mib; // ≤ 525 MiB for 5 TiB: within the part limit
    }
    plan.parts.reserve(static_cast<size_t>((file_size + plan.part_size - 1) / plan.part_size));
    for (uint64_t offset = 0; offset < file_size; offset += plan.part_size) {
        const uint64_t length = file_size - offset < plan.part_size ? file_size - offset : plan.part_size;
        plan.parts.push_back({static_cast<int>(plan.parts.size()) + 1, offset, length});
    }
    return plan;
}

} // namespace roomrec::storage
