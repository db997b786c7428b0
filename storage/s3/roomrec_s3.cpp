// roomrec-s3: the S3 client from the command line, for the integration tests and the benchmark.
//
//   roomrec-s3 upload --endpoint URL --bucket B [--region R] --key K --file F [--part-size N]
//                     [--progress FILE] [--prefix P] [--meta NAME=VALUE]... [--content-type T]
//                     [--max-send-speed BYTES_PER_S] [--connect-timeout-ms N] [--low-speed-seconds N]
//   roomrec-s3 presign --endpoint URL --bucket B [--region R] --key K --expires SECONDS
//
// Credentials come from ROOMREC_S3_ACCESS_KEY and ROOMREC_S3_SECRET_KEY (never arguments: those
// show in ps). --progress keeps the upload's progress in FILE after every part (written to a
// temporary file, fsynced, renamed) and resumes from it, so a killed upload continues where it
// stopped; the file is removed once the upload is complete. One line per step on stderr.
// Exit status: 0 done, 1 usage, 2 failed but worth retrying, 3 failed for good.
#include "storage/s3/resumable_upload.hpp"

#include <curl/curl.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

using namespace roomrec;

namespace {

constexpr int kUsage = 1, kRetryable = 2, kPermanent = 3;

std::atomic<bool> g_cancel{false};
void on_signal(int) { g_cancel.store(true); }

int usage(const std::string &why) {
    std::fprintf(
        stderr,
        "roomrec-s3: %s\n"
        "usage: roomrec-s3 upload --endpoint URL --bucket B [--region R] --key K --file F [--part-size N]\n"
        "                         [--progress FILE] [--prefix P] [--meta NAME=VALUE]... [--content-type T]\n"
        "                         [--max-send-speed BYTES_PER_S] [--connect-timeout-ms N] [--low-speed-seconds N]\n"
        "       roomrec-s3 presign --endpoint URL --bucket B [--region R] --key K --expires SECONDS\n"
        "credentials: ROOMREC_S3_ACCESS_KEY, ROOMREC_S3_SECRET_KEY\n",
        why.c_str());
    return kUsage;
}

bool parse_number(const std::string &text, uint64_t &out) {
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && parsed.ec == std::errc() && parsed.ptr == text.data() + text.size();
}

// Written next to the target, flushed to disk, then renamed over it (and the rename made
// durable): a crash leaves the old or the new progress, never half of one.
bool write_durably(const std::string &path, const std::string &text) {
    const std::string temporary = path + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    written = ::close(fd) == 0 && written;
    if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        return false;
    }
    const size_t slash = path.rfind('/');
    const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return false;
    const bool synced = ::fsync(dir) == 0;
    ::close(dir);
    return synced;
}

// Missing file: a fresh upload. Unreadable or invalid: an error (not silently a new upload).
bool read_progress(const std::string &path, storage::UploadProgress &progress, std::string &error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno == ENOENT) return true;
        error = "cannot read " + path + ": " + std::strerror(errno);
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    const auto parsed = storage::upload_progress_from_json(text.str(), error);
    if (!parsed) {
        error = path + ": " + error;
        return false;
    }
    progress = *parsed;
    return true;
}

int exit_status(const storage::S3Outcome &outcome) {
    if (outcome.ok) return 0;
    std::fprintf(stderr, "roomrec-s3: failed (%s): %s\n", outcome.retryable ? "retryable" : "permanent",
                 outcome.error.c_str());
    return outcome.retryable ? kRetryable : kPermanent;
}

int upload(const storage::S3Settings &settings, const std::map<std::string, std::string> &options,
           const storage::Metadata &meta) {
    if (!options.count("key") || !options.count("file")) return usage("upload needs --key and --file");
    const std::string progress_path = options.count("progress") ? options.at("progress") : "";
    storage::UploadProgress progress;
    std::string error;
    if (!progress_path.empty() && !read_progress(progress_path, progress, error)) {
        std::fprintf(stderr, "roomrec-s3: failed (permanent): %s\n", error.c_str());
        return kPermanent;
    }
    storage::S3Client client(settings);
    const auto persist = [&](const storage::UploadProgress &now) {
        return progress_path.empty() || write_durably(progress_path, storage::upload_progress_to_json(now));
    };
    const auto log = [](const std::string &line) { std::fprintf(stderr, "roomrec-s3: %s\n", line.c_str()); };
    const storage::S3Outcome outcome = storage::upload_file(client, options.at("key"), options.at("file"), meta,
                                                            progress, persist, &g_cancel, log);
    if (outcome.ok && !progress_path.empty()) std::remove(progress_path.c_str());
    if (outcome.ok) log("stored \"" + options.at("key") + "\"");
    return exit_status(outcome);
}

int presign(const storage::S3Settings &settings, const std::map<std::string, std::string> &options) {
    uint64_t expires = 0;
    if (!options.count("key") || !options.count("expires") || !parse_number(options.at("expires"), expires))
        return usage("presign needs --key and --expires SECONDS");
    storage::S3Client client(settings);
    if (!client.settings_error().empty()) return usage(client.settings_error());
    const auto url = client.presign_get(options.at("key"),
                                        static_cast<int64_t>(std::min<uint64_t>(expires, INT64_MAX)));
    if (!url) return usage("bad key, or --expires outside 1..604800 seconds");
    std::printf("%s\n", url->c_str());
    return 0;
}

int run(int argc, char **argv) {
    if (argc < 2) return usage("no command");
    const std::string command = argv[1];
    if (command != "upload" && command != "presign") return usage("unknown command \"" + command + "\"");
    static const char *known[] = {
        "endpoint", "bucket", "region",       "key",     "file",           "part-size",          "progress",
        "prefix",   "meta",   "content-type", "expires", "max-send-speed", "connect-timeout-ms", "low-speed-seconds"};
    std::map<std::string, std::string> options;
    storage::Metadata meta;
    for (int i = 2; i < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag.rfind("--", 0) != 0 ||
            std::none_of(std::begin(known), std::end(known), [&](const char *k) { return flag.substr(2) == k; }))
            return usage("unknown option \"" + flag + "\"");
        if (i + 1 >= argc) return usage(flag + " needs a value");
        const std::string value = argv[i + 1];
        if (flag == "--meta") {
            const size_t equals = value.find('=');
            if (equals == std::string::npos || equals == 0) return usage("--meta wants NAME=VALUE");
            meta.user.emplace_back(value.substr(0, equals), value.substr(equals + 1));
        } else {
            options[flag.substr(2)] = value;
        }
    }
    const char *access_key = std::getenv("ROOMREC_S3_ACCESS_KEY");
    const char *secret_key = std::getenv("ROOMREC_S3_SECRET_KEY");
    if (!access_key || !*access_key || !secret_key || !*secret_key)
        return usage("set ROOMREC_S3_ACCESS_KEY and ROOMREC_S3_SECRET_KEY");
    if (!options.count("endpoint") || !options.count("bucket")) return usage("--endpoint and --bucket are required");
    storage::S3Settings settings;
    settings.endpoint = options["endpoint"];
    settings.bucket = options["bucket"];
    if (options.count("region")) settings.region = options["region"];
    settings.access_key = access_key;
    settings.secret_key = secret_key;
    if (options.count("prefix")) settings.key_prefix = options["prefix"];
    if (options.count("content-type")) meta.content_type = options["content-type"];
    uint64_t number = 0;
    if (options.count("part-size")) {
        if (!parse_number(options["part-size"], number) || number < storage::kMinPartSize ||
            number > storage::kMaxPartSize)
            return usage("--part-size must be a byte count within 5 MiB..5 GiB");
        settings.part_size = number;
    }
    if (options.count("max-send-speed")) {
        if (!parse_number(options["max-send-speed"], number) || number > (1ULL << 40))
            return usage("--max-send-speed must be bytes per second");
        settings.max_send_bytes_per_second = number;
    }
    if (options.count("connect-timeout-ms")) {
        if (!parse_number(options["connect-timeout-ms"], number) || number == 0 || number > 600000)
            return usage("--connect-timeout-ms must be 1..600000");
        settings.connect_timeout_ms = static_cast<long>(number);
    }
    if (options.count("low-speed-seconds")) {
        if (!parse_number(options["low-speed-seconds"], number) || number == 0 || number > 3600)
            return usage("--low-speed-seconds must be 1..3600");
        settings.low_speed_seconds = static_cast<long>(number);
    }
    if (command == "presign") return presign(settings, options);
    return upload(settings, options, meta);
}

} // namespace

int main(int argc, char **argv) {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        std::fprintf(stderr, "roomrec-s3: curl_global_init failed\n");
        return kRetryable;
    }
    std::signal(SIGINT, on_signal); // a clean, retryable stop between or during parts
    std::signal(SIGTERM, on_signal);
    const int status = run(argc, argv);
    curl_global_cleanup();
    return status;
}
