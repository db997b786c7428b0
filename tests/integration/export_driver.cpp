// roomrec-export-driver: the delivery worker with a test ExportProducer, and the link server,
// as the plugin runs them, for tests/integration/test_exports.py.
//   roomrec-export-driver serve --postgres CONNINFO --root DIR --node ID --secret S
//       --public-url URL --link-port P [--ttl S] [--smtp-url URL --from ADDR]
//       [--sweep-interval S] [--keep-after-expiry S]
//       [--starttls none|try|required] [--smtp-user U --smtp-password P] [--smtp-ca PEM-FILE]
//       --csv FILE [--max-delay-ms N]
//       [--s3-endpoint URL --s3-bucket B --s3-access-key K --s3-secret-key S [--s3-prefix P]]
// then reads commands on stdin, one per line, answering on stdout:
//   export ROOM EMAIL [REPORT-JSON]   → "export <id>" or "error <why>"
//   quit
// A report {"refuse":true} makes the producer refuse it. Accepted playback reports print
// "playback <json>"; notices print "notice <what> <json>".
#include "tests/integration/driver_options.hpp"

#include "common/json.hpp"
#include "storage/delivery/delivery_worker.hpp"
#include "storage/links/link_server.hpp"

#include <curl/curl.h>
#include <jansson.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

using namespace roomrec::storage;

namespace {

std::mutex output_mutex;

void say(const std::string &line) {
    std::lock_guard lock(output_mutex);
    std::cout << line << std::endl;
}

class CopyProducer : public ExportProducer {
public:
    explicit CopyProducer(std::string source) : source_(std::move(source)) {}
    Outcome produce(const ExportRequest &request, const std::string &temp_path, std::string &error) override {
        Outcome outcome;
        if (request.report_json.find("\"refuse\"") != std::string::npos) {
            outcome.status = Status::Refused;
            error = "this report is refused";
            return outcome;
        }
        std::ifstream in(source_, std::ios::binary);
        std::ofstream out(temp_path, std::ios::binary | std::ios::trunc);
        if (!in || !out) {
            error = "cannot copy the test CSV";
            return outcome;
        }
        std::stringstream text;
        text << in.rdbuf();
        out << text.str();
        out.close();
        if (!out) {
            error = "cannot write the CSV";
            return outcome;
        }
        const std::string csv = text.str();
        const int64_t lines = std::count(csv.begin(), csv.end(), '\n');
        outcome.rows = lines > 0 ? lines - 1 : 0; // less the header
        outcome.status = Status::Done;
        return outcome;
    }

private:
    std::string source_;
};

class PrintPlayback : public LinkServer::Listener {
public:
    void on_library_playback(const LibraryPlayback &playback) override {
        const roomrec::common::JsonPtr object(
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:i, s:I}", "room", playback.room.c_str(), "recording",
                      playback.recording.c_str(), "viewer", playback.viewer.c_str(), "kind", playback.kind.c_str(),
                      "play", playback.play.c_str(), "position_ms", json_int_t(playback.position_ms), "duration_ms",
                      json_int_t(playback.duration_ms), "from_ms", json_int_t(playback.from_ms), "buckets",
                      playback.buckets, "watched_ms", json_int_t(playback.watched_ms)));
        say("playback " + roomrec::common::json_compact(object, JSON_SORT_KEYS));
    }
};

} // namespace

int main(int argc, char **argv) {
    const auto options = parse_driver_options(argc, argv);
    if (!options || options->command != "serve") return error_exit("usage: serve --postgres ... (see the source)");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    DeliverySettings settings;
    settings.node_id = options->get("node", "node-a");
    settings.postgres_conninfo = options->get("postgres");
    settings.recordings_root = options->get("root");
    settings.spool_folder = settings.recordings_root + "/.delivery";
    settings.retry.first_delay_ms = options->number("first-delay-ms", 500);
    settings.retry.max_delay_ms = options->number("max-delay-ms", 2000);
    settings.exports.link_secret = options->get("secret");
    settings.exports.public_url = options->get("public-url");
    settings.exports.link_ttl_s = options->number("ttl", 7 * 24 * 3600);
    settings.exports.sweep_interval_s = options->number("sweep-interval", 3600);
    settings.exports.keep_after_expiry_s = options->number("keep-after-expiry", 86400);
    if (!options->get("smtp-url").empty()) {
        SmtpSettings smtp;
        smtp.url = options->get("smtp-url");
        smtp.from = options->get("from", "exports@roomrec.test");
        const std::string starttls = options->get("starttls", "none");
        smtp.starttls = starttls == "required" ? StartTls::Required
                        : starttls == "try"    ? StartTls::Try
                                               : StartTls::None;
        smtp.username = options->get("smtp-user");
        smtp.password = options->get("smtp-password");
        smtp.ca_file = options->get("smtp-ca");
        smtp.timeout_s = options->number("smtp-timeout", 10);
        settings.exports.smtp = smtp;
    }
    if (!options->get("s3-endpoint").empty()) {
        S3Settings s3;
        s3.endpoint = options->get("s3-endpoint");
        s3.bucket = options->get("s3-bucket");
        s3.region = options->get("s3-region", "us-east-1");
        s3.access_key = options->get("s3-access-key");
        s3.secret_key = options->get("s3-secret-key");
        s3.key_prefix = options->get("s3-prefix");
        settings.s3 = s3;
    }
    CopyProducer producer(options->get("csv"));
    DeliveryWorker worker(
        settings, [](const std::string &what, const std::string &details) { say("notice " + what + " " + details); });
    worker.set_export_producer(&producer);
    std::string error;
    if (!worker.start(error)) return error_exit("worker: " + error);

    PrintPlayback listener;
    LinkServerSettings link_settings;
    link_settings.port = static_cast<uint16_t>(options->number("link-port", 0));
    link_settings.secret = settings.exports.link_secret;
    link_settings.recordings_root = settings.recordings_root;
    link_settings.max_plays = static_cast<size_t>(options->number("max-plays", 100000));
    LinkServer links(link_settings, &listener);
    if (!links.start(error)) return error_exit("links: " + error);
    // Ready once the schema is there (the tests read the tables at once).
    for (int i = 0; i < 300 && !worker.counters().database_up; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    say("ready");

    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream words(line);
        std::string command, room, email, report;
        words >> command;
        if (command == "quit") break;
        if (command == "export") {
            words >> room >> email;
            std::getline(words, report);
            report.erase(0, report.find_first_not_of(' '));
            ExportRequest request;
            request.room_id = room;
            request.email = email;
            request.requested_by = "tester";
            request.report_json = report.empty() ? "{\"report\":\"attendees_data\",\"range\":\"7d\"}" : report;
            const auto id = worker.request_export(request, error);
            say(id ? "export " + *id : "error " + error);
        } else {
            say("error unknown command");
        }
    }
    links.stop();
    worker.stop();
    curl_global_cleanup();
    return 0;
}
