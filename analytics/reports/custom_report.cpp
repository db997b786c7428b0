#include "analytics/reports/custom_report.hpp"

#include "analytics/core/custom_report_columns.hpp"
#include "analytics/reports/file_sink.hpp"

#include <pqxx/result>
#include <pqxx/transaction>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace roomrec::analytics {

namespace {

// Postgres array literal of identifiers ({a,b}); report_filters lets only [A-Za-z0-9_.:-]
// through, so no element needs quoting. It is still a bound parameter, never SQL text.
std::string array_literal(const std::vector<std::string> &ids) {
    std::string text = "{";
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i > 0) text += ',';
        text += ids[i];
    }
    return text + "}";
}

std::string timestamp_literal(int64_t unix_seconds) { return std::to_string(unix_seconds); }

} // namespace

std::optional<uint64_t> CustomReportRunner::run(const CustomReportRequest &request, CsvWriter::Sink &sink,
                                                std::string &error) {
    const std::vector<CsvColumn> &columns = custom_report_columns(request.report);
    CsvWriter writer(sink, columns, request.csv);
    std::optional<uint64_t> rows;
    const std::string doing = std::string("running the ") + custom_report_name(request.report) + " report";
    const bool ok = database_.run(doing, error, [&](pqxx::connection &connection, std::string &why) {
        {
            // The minute refresh remakes a session's attendee rows once it is quiet: the live
            // (or just refreshed) sessions' rows are made now, so the report is exact.
            pqxx::work settle(connection);
            settle.exec("SELECT report_attendees_settle()");
            settle.commit();
        }
        pqxx::read_transaction transaction(connection);
        // The report groups a month of rollup rows in hash aggregates: room for them in memory
        // rather than spilling to disk (this transaction only).
        transaction.exec("SET LOCAL work_mem = '64MB'");
        // JIT compiling the plan costs ~0.5 s and gains nothing on these scans.
        transaction.exec("SET LOCAL jit = off");
        // Every row is fetched: plan for all of them, not for a fast first tenth (the cursor
        // default chose nested loops over the month's rollups, 5x slower).
        transaction.exec("SET LOCAL cursor_tuple_fraction = 1.0");
        // The function name comes from the fixed list of reports, never from the request.
        transaction.exec_params(
            "DECLARE custom_report NO SCROLL CURSOR FOR SELECT * FROM " + custom_report_function(request.report) +
                "(to_timestamp($1::bigint), to_timestamp($2::bigint), $3::text[], $4::text[], "
                "$5::text[], $6::text[], $7::text[])",
            timestamp_literal(request.from_s), timestamp_literal(request.to_s),
            array_literal(request.filters.entry_ids), array_literal(request.filters.user_ids),
            array_literal(request.filters.cue_point_ids), array_literal(request.filters.virtual_event_ids),
            array_literal(request.filters.parent_entry_ids));
        writer.header();
        const std::string fetch = "FETCH " + std::to_string(kFetchRows) + " FROM custom_report";
        bool checked = false;
        while (true) {
            const pqxx::result batch = transaction.exec(fetch);
            if (!checked) {
                if (static_cast<size_t>(batch.columns()) != columns.size()) {
                    why = doing + ": the database's report has " + std::to_string(batch.columns()) +
                          " columns, this build expects " + std::to_string(columns.size());
                    return false;
                }
                for (size_t i = 0; i < columns.size(); ++i)
                    if (columns[i].name != batch.column_name(static_cast<pqxx::row::size_type>(i))) {
                        why = doing + ": column " + std::to_string(i + 1) + " is " +
                              batch.column_name(static_cast<pqxx::row::size_type>(i)) + ", expected " + columns[i].name;
                        return false;
                    }
                checked = true;
            }
            for (const pqxx::row &row : batch) {
                for (const pqxx::field &field : row) {
                    if (field.is_null()) writer.null_cell();
                    else writer.cell(std::string_view(field.c_str(), field.size()));
                }
                writer.end_row();
            }
            if (writer.failed()) {
                why = doing + ": writing the CSV failed";
                return false;
            }
            if (batch.size() < static_cast<pqxx::result::size_type>(kFetchRows)) break;
        }
        transaction.exec("CLOSE custom_report");
        if (!writer.flush()) {
            why = doing + ": writing the CSV failed";
            return false;
        }
        rows = writer.rows();
        return true;
    });
    if (!ok) return std::nullopt;
    return rows;
}

int run_custom_cli(int argc, char **argv) {
    const char *name = argc > 0 ? argv[0] : "roomrec-report custom";
    std::vector<std::string> report_args;
    std::string conninfo, output;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--postgres" || arg == "--output") {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s: error: %s needs a value\n", name, arg.c_str());
                return 2;
            }
            (arg == "--postgres" ? conninfo : output) = argv[++i];
        } else if (arg == "--help" || arg == "-h") {
            std::printf("usage: %s REPORT (--range 7d|30d|120d|365d | --from YYYY-MM-DD --to YYYY-MM-DD)\n"
                        "       [--entry-ids a,b] [--user-ids ...] [--cue-point-ids ...] [--virtual-event-ids ...]\n"
                        "       [--parent-entry-ids ...] [--bom] [--descriptive-headers] [--output FILE]\n"
                        "       --postgres CONNINFO\n"
                        "REPORT: %s\n",
                        name, custom_report_names().c_str());
            return 0;
        } else {
            report_args.push_back(arg);
        }
    }
    CustomReportRequest request;
    std::string error;
    if (!parse_report_request_args(report_args, static_cast<int64_t>(std::time(nullptr)), request, error)) {
        std::fprintf(stderr, "%s: error: %s\n", name, error.c_str());
        return 2;
    }
    if (conninfo.empty()) {
        std::fprintf(stderr, "%s: error: --postgres CONNINFO is required\n", name);
        return 2;
    }
    storage::Database database(conninfo);
    CustomReportRunner runner(database);
    const auto started = std::chrono::steady_clock::now();
    std::optional<uint64_t> rows;
    if (output.empty()) {
        FdSink sink(STDOUT_FILENO);
        rows = runner.run(request, sink, error);
    } else {
        FileSink sink(output);
        if (sink.open(error)) {
            rows = runner.run(request, sink, error);
            if (rows && !sink.commit(error)) rows.reset();
        }
    }
    if (!rows) {
        std::fprintf(stderr, "%s: error: %s\n", name, error.c_str());
        return 1;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "%s: %llu rows in %.3f s (%.0f rows/s)\n", name, static_cast<unsigned long long>(*rows),
                 seconds, seconds > 0 ? static_cast<double>(*rows) / seconds : 0.0);
    return 0;
}

} // namespace roomrec::analytics
