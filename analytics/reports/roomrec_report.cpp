// roomrec-report: the dashboard reports from the command line, through the same ReportQueries
// as the plugin's report worker.
//
//   roomrec-report <NAME> --room R [--session S] [--format json|csv] --postgres CONNINFO
//                  [--search TEXT] [--offset N] [--limit N] [--user KEY]
//   roomrec-report summary --room R [--session S] --postgres CONNINFO --output FILE.pdf
//                  [--input-json]   (prints the PDF's input instead of writing the PDF)
//   roomrec-report custom REPORT ... (analytics/reports/custom_report.hpp: its own exit codes)
//
// Exit codes: 0 ok, 1 usage (unknown report or option, bad value), 2 not found (room, session,
// attendee), 3 database (unreachable or failed) or the output file. Errors go to stderr as one
// line. Other subcommands plug into kSubcommands.
#include "analytics/reports/custom_report.hpp"
#include "analytics/reports/file_sink.hpp"
#include "analytics/reports/report_catalog.hpp"
#include "analytics/reports/report_csv.hpp"
#include "analytics/reports/report_queries.hpp"
#include "analytics/reports/summary_report.hpp"
#include "common/json.hpp"
#include "storage/db/database.hpp"

#include <cairo.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <string>
#include <vector>

namespace {

using namespace roomrec;

constexpr int kOk = 0, kUsage = 1, kNotFound = 2, kDatabase = 3;

int usage(const std::string &why) {
    if (!why.empty()) std::fprintf(stderr, "roomrec-report: %s\n", why.c_str());
    std::fprintf(stderr,
                 "usage: roomrec-report <%s> --room R [--session S] [--format json|csv] --postgres CONNINFO\n"
                 "                      [--search TEXT] [--offset N] [--limit N] [--user KEY]\n"
                 "       roomrec-report summary --room R [--session S] --postgres CONNINFO (--output FILE.pdf | "
                 "--input-json)\n"
                 "       roomrec-report custom REPORT ... (roomrec-report custom --help)\n",
                 analytics::report_name_list().c_str());
    return kUsage;
}

int exit_code(domain::ErrorCode code) {
    switch (code) {
    case domain::ErrorCode::NoSuchRoom:
    case domain::ErrorCode::NoSuchSession:
    case domain::ErrorCode::NoSuchParticipant: return kNotFound;
    case domain::ErrorCode::ReportUnavailable:
    case domain::ErrorCode::Internal: return kDatabase;
    default: return kUsage;
    }
}

// A dashboard report: argv[0] is its name.
int dashboard(int argc, char **argv) {
    analytics::ReportRequest request;
    request.name = argv[0];
    if (!analytics::find_report(request.name)) return usage("unknown report \"" + request.name + "\"");
    std::string format = "json", conninfo;
    const char *env = std::getenv("ROOMREC_POSTGRES");
    if (env) conninfo = env;
    for (int i = 1; i < argc; ++i) {
        const std::string option = argv[i];
        if (option.rfind("--", 0) != 0 || i + 1 >= argc)
            return usage("expected --option value, got \"" + option + "\"");
        const std::string value = argv[++i];
        const std::string name = option.substr(2);
        if (name == "room") {
            request.room = value;
        } else if (name == "session") {
            request.session = value;
        } else if (name == "format") {
            if (value != "json" && value != "csv") return usage("--format is json or csv");
            format = value;
        } else if (name == "postgres") {
            conninfo = value;
        } else if (auto error = analytics::set_report_param(name, value, request)) {
            return usage(error->message);
        }
    }
    if (request.room.empty()) return usage("--room is required");
    if (conninfo.empty()) return usage("--postgres is required (or ROOMREC_POSTGRES)");
    if (auto error = analytics::check_required(request)) return usage(error->message);
    if (!analytics::find_report(request.name)->per_session && !request.session.empty())
        return usage("report " + request.name + " takes no --session");

    storage::Database database(conninfo);
    analytics::ReportQueries queries(database);
    analytics::ReportResult result = queries.run(request);
    if (!result.ok) {
        std::fprintf(stderr, "roomrec-report: %s (%d)\n", result.message.c_str(), domain::code_value(result.code));
        // The operator at the shell may see what Postgres said; plugin clients never do.
        if (!result.detail.empty()) std::fprintf(stderr, "roomrec-report: %s\n", result.detail.c_str());
        return exit_code(result.code);
    }
    if (format == "csv") {
        const std::string text = analytics::report_to_csv(*analytics::find_report(request.name), result.data.get());
        std::fwrite(text.data(), 1, text.size(), stdout);
        return kOk;
    }
    common::JsonPtr answer = common::json_object_ptr();
    json_object_set_new(answer.get(), "roomrec", json_string("report"));
    json_object_set_new(answer.get(), "report", json_string(request.name.c_str()));
    json_object_set_new(answer.get(), "room", json_string(request.room.c_str()));
    json_object_set_new(answer.get(), "session", json_string(result.session.c_str()));
    json_object_set_new(answer.get(), "data", result.data.release());
    std::printf("%s\n", common::json_compact(answer, JSON_REAL_PRECISION(15)).c_str());
    return kOk;
}

// `summary`: the session's PDF summary (analytics/reports/summary_report), written atomically.
int summary(int argc, char **argv) {
    std::string room, session, output, conninfo;
    bool input_json = false;
    if (const char *env = std::getenv("ROOMREC_POSTGRES")) conninfo = env;
    for (int i = 1; i < argc; ++i) {
        const std::string option = argv[i];
        if (option == "--input-json") {
            input_json = true;
            continue;
        }
        if (i + 1 >= argc) return usage("expected --option value, got \"" + option + "\"");
        const std::string value = argv[++i];
        if (option == "--room") room = value;
        else if (option == "--session") session = value;
        else if (option == "--output") output = value;
        else if (option == "--postgres") conninfo = value;
        else return usage("summary takes --room, --session, --postgres, --output, --input-json; not " + option);
    }
    if (room.empty()) return usage("--room is required");
    if (conninfo.empty()) return usage("--postgres is required (or ROOMREC_POSTGRES)");
    if (output.empty() == !input_json) return usage("summary needs --output FILE.pdf or --input-json");
    storage::Database database(conninfo);
    analytics::ReportQueries queries(database);
    if (input_json) {
        analytics::ReportResult input = analytics::summary_input_report(queries, room, session);
        if (!input.ok) {
            std::fprintf(stderr, "roomrec-report: %s (%d)\n", input.message.c_str(), domain::code_value(input.code));
            return exit_code(input.code);
        }
        std::printf("%s\n", common::json_compact(input.data, JSON_REAL_PRECISION(15)).c_str());
        return kOk;
    }
    const analytics::SummaryPdf pdf = analytics::summary_pdf_report(queries, room, session,
                                                                    static_cast<int64_t>(std::time(nullptr)));
    // Frees cairo's font caches (and the fontconfig patterns they hold) so the sanitizer build
    // sees no leak at exit; no cairo object is alive any more.
    cairo_debug_reset_static_data();
    if (!pdf.ok) {
        std::fprintf(stderr, "roomrec-report: %s (%d)\n", pdf.message.c_str(), domain::code_value(pdf.code));
        return exit_code(pdf.code);
    }
    analytics::FileSink sink(output);
    std::string error;
    if (!sink.open(error) || !sink.write(pdf.pdf) || !sink.commit(error)) {
        std::fprintf(stderr, "roomrec-report: cannot write %s: %s\n", output.c_str(),
                     error.empty() ? "write failed" : error.c_str());
        return kDatabase;
    }
    std::fprintf(stderr, "roomrec-report: session %s of room %s: %zu bytes in %s\n", pdf.session.c_str(), room.c_str(),
                 pdf.pdf.size(), output.c_str());
    return kOk;
}

int custom(int argc, char **argv) {
    // Its messages start with argv[0]: the command as the user typed it.
    static char name[] = "roomrec-report custom";
    std::vector<char *> args(argv, argv + argc);
    args[0] = name;
    try {
        return analytics::run_custom_cli(argc, args.data());
    } catch (const std::exception &failure) {
        std::fprintf(stderr, "roomrec-report custom: error: %s\n", failure.what());
        return 1;
    }
}

struct Subcommand {
    const char *name;
    int (*run)(int argc, char **argv); // argv[0] = the subcommand
};

// A name not listed is a dashboard report.
const Subcommand kSubcommands[] = {
    {"summary", summary},
    {"custom", custom},
};

} // namespace

int main(int argc, char **argv) {
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) return usage("");
    for (const auto &subcommand : kSubcommands)
        if (subcommand.run && std::strcmp(argv[1], subcommand.name) == 0) return subcommand.run(argc - 1, argv + 1);
    return dashboard(argc - 1, argv + 1);
}
