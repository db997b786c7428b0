// Command lines of the test drivers (outbox_driver, telemetry_driver):
//   DRIVER COMMAND [--name value]... [--flag]...
// where the flags a driver knows take no value. Failures print on stderr and exit 2.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>

struct DriverOptions {
    std::string command;
    std::map<std::string, std::string> values;
    std::set<std::string> flags;

    std::string get(const std::string &name, const std::string &fallback = "") const {
        const auto found = values.find(name);
        return found == values.end() ? fallback : found->second;
    }
    int64_t number(const std::string &name, int64_t fallback) const {
        const auto found = values.find(name);
        return found == values.end() ? fallback : std::strtoll(found->second.c_str(), nullptr, 10);
    }
    bool flag(const std::string &name) const { return flags.count(name) > 0; }
};

// Nothing (and why, on stderr) for a missing command or a bad argument.
inline std::optional<DriverOptions> parse_driver_options(int argc, char **argv,
                                                         const std::set<std::string> &known_flags = {}) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s COMMAND [--option value]... (see the source)\n", argv[0]);
        return std::nullopt;
    }
    DriverOptions options;
    options.command = argv[1];
    for (int i = 2; i < argc; ++i) {
        const std::string name = argv[i];
        if (name.rfind("--", 0) == 0 && known_flags.count(name.substr(2))) {
            options.flags.insert(name.substr(2));
        } else if (name.rfind("--", 0) == 0 && i + 1 < argc) {
            options.values[name.substr(2)] = argv[++i];
        } else {
            std::fprintf(stderr, "bad argument %s\n", name.c_str());
            return std::nullopt;
        }
    }
    return options;
}

inline int error_exit(const std::string &message) {
    std::fprintf(stderr, "error: %s\n", message.c_str());
    return 2;
}
