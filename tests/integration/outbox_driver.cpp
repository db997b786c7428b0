// Drives the Postgres delivery layer (storage/db) from the command line, so that Python tests
// can run several "nodes" as processes against a real Postgres. The conninfo comes from the
// environment (ROOMREC_PG), never from arguments that `ps` shows.
//
//   roomrec-outbox-driver COMMAND [--node N] [--id ID] [--lease-ms L] [options]
//     migrate                        apply the built-in schema; prints the versions applied
//     enqueue                        stdin: JSON array of jobs {id, room_id, kind, affinity_node, payload}
//     record                         stdin: {"recording": {...}, "jobs": [...]}, one transaction
//     claim                          claim one job and exit without finishing it (a dead node)
//     claim-loop [--count K] [--work-ms M] [--idle-exit-ms I] [--deadline-ms D]
//                                    claim and complete jobs, printing "done ID" for each
//     complete --id ID               stdin (optional): {"followups": [...], "update": {...}}
//     renew --id ID | progress --id ID --json P | fail --id ID --error TEXT [--permanent]
//     next-due | counts | find-recording --id ID
// Exit status: 0 done, 1 usage, 2 error (message on stderr), 3 refused (lease not held).
#include "common/json.hpp"
#include "storage/db/migrations.hpp"
#include "storage/db/outbox_store.hpp"
#include "storage/db/recording_rows.hpp"
#include "tests/integration/driver_options.hpp"

#include <jansson.h>
#include <pqxx/pqxx>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <thread>

using namespace roomrec;
using namespace roomrec::storage;

namespace {

using Json = common::JsonPtr;
using Options = DriverOptions;

std::string dump(const json_t *value) { return common::json_compact(value, JSON_SORT_KEYS); }

Json read_stdin_json(std::string &error) {
    const std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return Json(json_object());
    json_error_t parse_error;
    Json value(json_loadb(text.data(), text.size(), 0, &parse_error));
    if (!value) error = std::string("stdin is not JSON: ") + parse_error.text;
    return value;
}

std::string string_field(json_t *object, const char *name) {
    const char *text = json_string_value(json_object_get(object, name));
    return text ? text : "";
}

std::optional<std::string> optional_string(json_t *object, const char *name) {
    json_t *value = json_object_get(object, name);
    if (!json_is_string(value)) return std::nullopt;
    return std::string(json_string_value(value), json_string_length(value));
}

std::optional<int64_t> optional_integer(json_t *object, const char *name) {
    json_t *value = json_object_get(object, name);
    if (!json_is_integer(value)) return std::nullopt;
    return json_integer_value(value);
}

// A payload given as an object is sent as its JSON text; given as a string, verbatim (so a
// test can send text that is not JSON).
std::vector<NewJob> parse_jobs(json_t *array) {
    std::vector<NewJob> jobs;
    size_t index;
    json_t *item;
    json_array_foreach(array, index, item) {
        json_t *payload = json_object_get(item, "payload");
        jobs.push_back({optional_string(item, "id").value_or(""), optional_string(item, "room_id").value_or(""),
                        string_field(item, "kind"), optional_string(item, "affinity_node").value_or(""),
                        json_is_string(payload) ? json_string_value(payload) : dump(payload)});
    }
    return jobs;
}

RecordingRow parse_recording(json_t *object) {
    RecordingRow row;
    row.room_id = optional_string(object, "room_id").value_or("");
    row.recording_id = optional_string(object, "recording_id").value_or("");
    row.node_id = optional_string(object, "node_id").value_or("");
    row.title = optional_string(object, "title").value_or("");
    row.owner = optional_string(object, "owner").value_or("");
    row.initiator = optional_string(object, "initiator").value_or("");
    row.started_ms = optional_integer(object, "started_ms").value_or(0);
    row.ended_ms = optional_integer(object, "ended_ms");
    row.duration_ms = optional_integer(object, "duration_ms");
    row.size_bytes = optional_integer(object, "size_bytes");
    row.sha256 = optional_string(object, "sha256");
    row.storage = optional_string(object, "storage").value_or("local");
    row.location = optional_string(object, "location").value_or("");
    row.state = optional_string(object, "state").value_or("stored");
    row.gaps = static_cast<int>(optional_integer(object, "gaps").value_or(0));
    row.gap_seconds = json_number_value(json_object_get(object, "gap_seconds"));
    row.incomplete = optional_string(object, "incomplete");
    row.error = optional_string(object, "error");
    return row;
}

std::string recording_json(const RecordingRow &row) {
    Json object(json_object());
    const auto put = [&](const char *name, json_t *value) { json_object_set_new(object.get(), name, value); };
    const auto text = [&](const std::optional<std::string> &value) {
        return value ? json_stringn(value->data(), value->size()) : json_null();
    };
    const auto integer = [](const std::optional<int64_t> &value) { return value ? json_integer(*value) : json_null(); };
    put("room_id", text(row.room_id));
    put("recording_id", text(row.recording_id));
    put("node_id", text(row.node_id));
    put("title", text(row.title));
    put("owner", text(row.owner));
    put("initiator", text(row.initiator));
    put("started_ms", json_integer(row.started_ms));
    put("ended_ms", integer(row.ended_ms));
    put("duration_ms", integer(row.duration_ms));
    put("size_bytes", integer(row.size_bytes));
    put("sha256", text(row.sha256));
    put("storage", text(row.storage));
    put("location", text(row.location));
    put("state", text(row.state));
    put("gaps", json_integer(row.gaps));
    put("gap_seconds", json_real(row.gap_seconds));
    put("incomplete", text(row.incomplete));
    put("error", text(row.error));
    put("created_ms", json_integer(row.created_ms));
    put("updated_ms", json_integer(row.updated_ms));
    return dump(object.get());
}

std::string claimed_json(const ClaimedJob &job) {
    Json object(json_object());
    json_object_set_new(object.get(), "id", json_stringn(job.id.data(), job.id.size()));
    json_object_set_new(object.get(), "room_id", json_string(job.room_id.c_str()));
    json_object_set_new(object.get(), "kind", json_string(job.kind.c_str()));
    json_object_set_new(object.get(), "payload", json_string(job.payload_json.c_str()));
    json_object_set_new(object.get(), "progress", json_string(job.progress_json.c_str()));
    json_object_set_new(object.get(), "attempts", json_integer(job.attempts));
    json_object_set_new(object.get(), "created_ms", json_integer(job.created_ms));
    json_object_set_new(object.get(), "lease_until_ms", json_integer(job.lease_until_ms));
    return dump(object.get());
}

void sleep_ms(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

int64_t monotonic_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Claims and completes until `count` jobs are done, or no job was claimable for idle-exit-ms.
// Errors (Postgres away) are reported and retried until the deadline.
int claim_loop(OutboxStore &store, const Options &options) {
    const int64_t count = options.number("count", 0);
    const int64_t work_ms = options.number("work-ms", 0);
    const int64_t idle_exit_ms = options.number("idle-exit-ms", 0);
    const int64_t deadline = monotonic_ms() + options.number("deadline-ms", 60000);
    int64_t done = 0, idle_since = monotonic_ms();
    std::string last_error;
    while (count == 0 || done < count) {
        if (monotonic_ms() > deadline)
            return error_exit("claim-loop deadline passed after " + std::to_string(done) + " jobs");
        std::string error;
        const auto job = store.claim(error);
        if (!error.empty()) {
            if (error != last_error) std::fprintf(stderr, "error: %s\n", error.c_str());
            last_error = error;
            sleep_ms(100);
            idle_since = monotonic_ms();
            continue;
        }
        if (!last_error.empty()) std::fprintf(stderr, "recovered\n");
        last_error.clear();
        if (!job) {
            if (monotonic_ms() - idle_since >= idle_exit_ms) break;
            sleep_ms(20);
            continue;
        }
        if (work_ms > 0) sleep_ms(work_ms);
        if (store.complete(job->id, {}, nullptr, error)) {
            std::printf("done %s\n", job->id.c_str());
            std::fflush(stdout);
            ++done;
        } else {
            std::fprintf(stderr, "lost %s: %s\n", job->id.c_str(), error.c_str());
        }
        idle_since = monotonic_ms();
    }
    return 0;
}

int run(const Options &options) {
    const char *conninfo = std::getenv("ROOMREC_PG");
    if (conninfo == nullptr || *conninfo == '\0') return error_exit("set ROOMREC_PG to the conninfo");
    Database database(conninfo);
    storage::RetryPolicy policy;
    policy.first_delay_ms = options.number("first-delay-ms", policy.first_delay_ms);
    policy.max_delay_ms = options.number("max-delay-ms", policy.max_delay_ms);
    policy.give_up_after_ms = options.number("give-up-ms", policy.give_up_after_ms);
    OutboxStore store(database, options.get("node", "node-a"), policy, options.number("lease-ms", 30000));
    const std::string id = options.get("id");
    const std::string &command = options.command;
    std::string error;

    if (command == "migrate") {
        std::vector<int> applied;
        if (!apply_migrations(database, error, &applied)) return error_exit(error);
        std::printf("applied");
        for (int version : applied) std::printf(" %d", version);
        std::printf("\n");
        return 0;
    }
    if (command == "enqueue" || command == "record" || command == "complete") {
        Json input = read_stdin_json(error);
        if (!input) return error_exit(error);
        if (command == "enqueue") {
            if (!json_is_array(input.get())) return error_exit("stdin must be a JSON array of jobs");
            return store.enqueue(parse_jobs(input.get()), error) ? 0 : error_exit(error);
        }
        if (command == "record") { // what the delivery worker does when a recording is stored
            const bool stored = database.run("recording", error,
                                             [&](pqxx::connection &connection, std::string &refused) {
                pqxx::work transaction(connection);
                if (!RecordingRows::upsert(transaction, parse_recording(json_object_get(input.get(), "recording")),
                                           refused) ||
                    !store.enqueue(transaction, parse_jobs(json_object_get(input.get(), "jobs")), refused))
                    return false;
                transaction.commit();
                return true;
            });
            return stored ? 0 : error_exit(error);
        }
        std::optional<RecordingUpdate> update;
        if (json_t *fields = json_object_get(input.get(), "update")) {
            update = RecordingUpdate{optional_string(fields, "recording_id").value_or(""),
                                     optional_string(fields, "state"),
                                     optional_string(fields, "storage"),
                                     optional_string(fields, "location"),
                                     optional_string(fields, "sha256"),
                                     optional_string(fields, "error"),
                                     optional_integer(fields, "size_bytes"),
                                     std::nullopt};
        }
        if (store.complete(id, parse_jobs(json_object_get(input.get(), "followups")), update ? &*update : nullptr,
                           error))
            return 0;
        std::fprintf(stderr, "error: %s\n", error.c_str());
        return error.find("is not held") != std::string::npos ? 3 : 2;
    }
    if (command == "claim") {
        const auto job = store.claim(error);
        if (!error.empty()) return error_exit(error);
        std::printf("%s\n", job ? claimed_json(*job).c_str() : "none");
        return 0;
    }
    if (command == "claim-loop") return claim_loop(store, options);
    if (command == "renew" || command == "progress" || command == "fail") {
        bool ok;
        if (command == "renew") ok = store.renew_lease(id, error);
        else if (command == "progress") ok = store.save_progress(id, options.get("json"), error);
        else ok = store.fail(id, options.get("error"), options.flag("permanent"), error);
        if (ok) return 0;
        std::fprintf(stderr, "error: %s\n", error.c_str());
        return error.find("is not held") != std::string::npos ? 3 : 2;
    }
    if (command == "next-due") {
        std::printf("%lld\n", static_cast<long long>(store.ms_until_next_due()));
        return 0;
    }
    if (command == "counts") {
        const auto counts = store.counts(error);
        if (!counts) return error_exit(error);
        std::printf("{\"pending\":%lld,\"running\":%lld,\"done\":%lld,\"failed\":%lld}\n",
                    static_cast<long long>(counts->pending), static_cast<long long>(counts->running),
                    static_cast<long long>(counts->done), static_cast<long long>(counts->failed));
        return 0;
    }
    if (command == "find-recording") {
        const auto row = RecordingRows::find(database, id, error);
        if (!error.empty()) return error_exit(error);
        std::printf("%s\n", row ? recording_json(*row).c_str() : "none");
        return 0;
    }
    std::fprintf(stderr, "unknown command %s\n", command.c_str());
    return 1;
}

} // namespace

int main(int argc, char **argv) {
    const auto options = parse_driver_options(argc, argv, {"permanent"});
    return options ? run(*options) : 1;
}
