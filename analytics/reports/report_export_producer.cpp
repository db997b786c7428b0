#include "analytics/reports/report_export_producer.hpp"

#include "analytics/core/report_filters.hpp"
#include "analytics/reports/custom_report.hpp"
#include "analytics/reports/file_sink.hpp"
#include "analytics/reports/summary_report.hpp"
#include "common/json.hpp"

#include <jansson.h>

#include <ctime>

namespace roomrec::analytics {
namespace {

using Status = storage::ExportProducer::Status;

storage::ExportProducer::Outcome outcome(Status status, int64_t rows = 0) { return {status, rows}; }

} // namespace

storage::ExportProducer::Outcome ReportExportProducer::produce(const storage::ExportRequest &request,
                                                               const std::string &temp_path, std::string &error) {
    const std::string format = storage::export_format(request);
    if (format == "csv") return produce_csv(request, temp_path, error);
    if (format == "pdf") return produce_pdf(request, temp_path, error);
    error = "unknown export format";
    return outcome(Status::Refused);
}

storage::ExportProducer::Outcome ReportExportProducer::produce_csv(const storage::ExportRequest &request,
                                                                   const std::string &temp_path, std::string &error) {
    // The stored request is the custom report's plus "format", which the report parser does not take.
    common::JsonPtr report(json_loads(request.report_json.c_str(), JSON_REJECT_DUPLICATES, nullptr));
    if (!json_is_object(report.get())) {
        error = "the export's report is not a JSON object";
        return outcome(Status::Refused);
    }
    json_object_del(report.get(), "format");
    CustomReportRequest custom;
    if (!parse_report_request_json(common::json_compact(report), static_cast<int64_t>(std::time(nullptr)), custom,
                                   error))
        return outcome(Status::Refused);
    FileSink sink(temp_path);
    if (!sink.open(error)) return outcome(Status::Retryable);
    CustomReportRunner runner(database_);
    const auto rows = runner.run(custom, sink, error);
    if (!rows) return outcome(database_.connected() ? Status::Refused : Status::Retryable);
    if (!sink.commit(error)) return outcome(Status::Retryable);
    return outcome(Status::Done, static_cast<int64_t>(*rows));
}

storage::ExportProducer::Outcome ReportExportProducer::produce_pdf(const storage::ExportRequest &request,
                                                                   const std::string &temp_path, std::string &error) {
    common::JsonPtr report(json_loads(request.report_json.c_str(), JSON_REJECT_DUPLICATES, nullptr));
    const json_t *session = json_object_get(report.get(), "session");
    if (session && !json_is_string(session)) {
        error = "the export's session is not a string";
        return outcome(Status::Refused);
    }
    const SummaryPdf summary = summary_pdf_report(queries_, request.room_id, session ? json_string_value(session) : "",
                                                  static_cast<int64_t>(std::time(nullptr)));
    if (!summary.ok) {
        error = summary.message;
        const bool away = summary.code == domain::ErrorCode::ReportUnavailable ||
                          (summary.code == domain::ErrorCode::Internal && !database_.connected());
        return outcome(away ? Status::Retryable : Status::Refused);
    }
    FileSink sink(temp_path);
    if (!sink.open(error) || !sink.write(summary.pdf) || !sink.commit(error)) {
        if (error.empty()) error = "cannot write the PDF";
        return outcome(Status::Retryable);
    }
    return outcome(Status::Done, 0);
}

} // namespace roomrec::analytics
