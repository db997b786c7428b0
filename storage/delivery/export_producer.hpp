// What writes an export's file, a CSV or a PDF (A7-A9). The delivery worker calls it on its thread for each
// `export` job; the analytics layer implements it (the custom report engine), so storage does
// not depend on analytics. The file it writes is then stored and mailed by the worker.
#pragma once

#include "storage/core/export_job.hpp"

#include <cstdint>
#include <string>

namespace roomrec::storage {

class ExportProducer {
public:
    enum class Status {
        Done,      // temp_path holds the whole file
        Retryable, // try again later (Postgres away, ...)
        Refused,   // the request can never be produced (unknown report, bad filter): fail for good
    };
    struct Outcome {
        Status status = Status::Retryable;
        int64_t rows = 0; // data rows written (for the mail and the exports row)
    };

    virtual ~ExportProducer() = default;
    // Writes the file of `request` (export_format: csv or pdf) to temp_path (created or truncated); on failure `error`
    // says why (no secret in it).
    virtual Outcome produce(const ExportRequest &request, const std::string &temp_path, std::string &error) = 0;
};

} // namespace roomrec::storage
