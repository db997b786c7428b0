// Where an export's CSV goes on disk: a temporary file beside the target, renamed over it only
// when the whole report was written and synced (commit), so a reader never sees half a file
// and a failed export leaves nothing behind.
#pragma once

#include "analytics/core/csv_writer.hpp"

#include <string>

namespace roomrec::analytics {

class FileSink : public CsvWriter::Sink {
public:
    explicit FileSink(std::string path);
    ~FileSink() override; // removes the temporary file unless committed
    FileSink(const FileSink &) = delete;
    FileSink &operator=(const FileSink &) = delete;

    // Creates the temporary file (mode 0640); false and why if it cannot.
    bool open(std::string &error);
    bool write(std::string_view bytes) override;
    // fsync, close and rename over the target (then fsync the folder); false and why if not.
    bool commit(std::string &error);

    const std::string &path() const { return path_; }

private:
    std::string path_;
    std::string temporary_;
    int fd_ = -1;
    int write_errno_ = 0;
    bool committed_ = false;
};

// A Sink over an open descriptor it does not own (standard output).
class FdSink : public CsvWriter::Sink {
public:
    explicit FdSink(int fd) : fd_(fd) {}
    bool write(std::string_view bytes) override;

private:
    int fd_;
};

} // namespace roomrec::analytics
