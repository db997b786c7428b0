// Writes an export's file for the delivery worker (on its thread, with its own Postgres
// connection): `format: csv` runs a custom report (CustomReportRunner into a FileSink),
// `format: pdf` renders a room session's summary (summary_report). The export's report JSON is
// what the plugin's `export` request stored: the custom report request plus "format", or
// {"format": "pdf", "session": S}. A request that can never be produced (unknown report, bad
// filter, no such room or session) is Refused; Postgres away is Retryable.
#pragma once

#include "analytics/reports/report_queries.hpp"
#include "storage/db/database.hpp"
#include "storage/delivery/export_producer.hpp"

#include <string>

namespace roomrec::analytics {

class ReportExportProducer final : public storage::ExportProducer {
public:
    // conninfo: the reports database (the connection opens on first use, on the caller's thread).
    explicit ReportExportProducer(std::string conninfo) : database_(std::move(conninfo)), queries_(database_) {}

    Outcome produce(const storage::ExportRequest &request, const std::string &temp_path, std::string &error) override;

private:
    Outcome produce_csv(const storage::ExportRequest &request, const std::string &temp_path, std::string &error);
    Outcome produce_pdf(const storage::ExportRequest &request, const std::string &temp_path, std::string &error);

    storage::Database database_;
    ReportQueries queries_; // on database_; applies the migrations once
};

} // namespace roomrec::analytics
