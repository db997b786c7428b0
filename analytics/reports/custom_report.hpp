// Runs one custom CSV report (A7): the report's SQL function (analytics/schema/004_custom_reports.sql)
// through a server-side cursor, fetched 10,000 rows at a time into a CsvWriter, so an export
// of millions of rows holds one fetch in memory. Every filter is a bound parameter.
#pragma once

#include "analytics/core/csv_writer.hpp"
#include "analytics/core/report_filters.hpp"
#include "storage/db/database.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace roomrec::analytics {

class CustomReportRunner {
public:
    static constexpr int kFetchRows = 10000;

    explicit CustomReportRunner(storage::Database &database) : database_(database) {}

    // Writes the header and every row to sink; the number of rows, or nullopt and why (the
    // database failed, or the sink refused bytes).
    std::optional<uint64_t> run(const CustomReportRequest &request, CsvWriter::Sink &sink, std::string &error);

private:
    storage::Database &database_;
};

// `roomrec-report custom REPORT ... --postgres CONNINFO [--output FILE]`: argv[0] is the
// command's name, the rest the report's arguments (report_filters.hpp) plus --postgres and
// --output (written atomically; standard output without). Exit code 0 done, 1 the database or
// the output failed, 2 a bad request (the error on standard error).
int run_custom_cli(int argc, char **argv);

} // namespace roomrec::analytics
