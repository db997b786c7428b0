#include "storage/s3/resumable_upload.hpp"

#include "storage/s3/file_range.hpp"

#include <algorithm>

namespace roomrec::storage {
namespace {

// Puts the client's previous cancel flag back when the upload returns.
class CancelScope {
public:
    CancelScope(S3Client &client, const std::atomic<bool> *cancel) : client_(client) { client_.set_cancel(cancel); }
    ~CancelScope() { client_.set_cancel(nullptr); }
    CancelScope(const CancelScope &) = delete;
    CancelScope &operator=(const CancelScope &) = delete;

private:
    S3Client &client_;
};

S3Outcome failed(std::string error, bool retryable) {
    S3Outcome outcome;
    outcome.retryable = retryable;
    outcome.error = std::move(error);
    return outcome;
}

S3Outcome cancelled_outcome() {
    S3Outcome outcome = failed("upload cancelled", true);
    outcome.cancelled = true;
    return outcome;
}

class Upload {
public:
    Upload(S3Client &client, const std::string &key, const std::string &path, const Metadata &meta,
           UploadProgress &progress, const std::function<bool(const UploadProgress &)> &persist,
           const std::atomic<bool> *cancel, const std::function<void(const std::string &)> &log)
        : client_(client), key_(key), path_(path), meta_(meta), progress_(progress), persist_(persist), cancel_(cancel),
          log_(log) {}

    S3Outcome run() {
        uint64_t file_size = 0;
        {
            OpenFile file(path_);
            if (!file.ok()) return failed(file.error(), false);
            file_size = file.size();
        }
        if (file_size < client_.settings().part_size) {
            if (!progress_.upload_id.empty()) {
                note("the file is now smaller than a part: dropping multipart upload " + progress_.upload_id);
                client_.abort_multipart(key_, progress_.upload_id); // best effort: it expires anyway
                progress_ = {};
                if (!save()) return persist_failed();
            }
            if (cancelled()) return cancelled_outcome();
            S3Outcome outcome = client_.put_file(key_, path_, meta_);
            if (!outcome.ok) return outcome;
            note("sent in a single PUT (" + std::to_string(file_size) + " bytes)");
            return verify(file_size, nullptr);
        }
        std::string error;
        const auto plan = plan_upload(file_size, client_.settings().part_size, error);
        if (!plan) return failed(path_ + ": " + error, false);
        S3Outcome outcome = multipart(*plan, file_size);
        if (outcome.upload_gone) {
            note("multipart upload " + progress_.upload_id + " is gone (aborted or expired): starting over");
            progress_ = {};
            if (!save()) return persist_failed();
            outcome = multipart(*plan, file_size); // once: a second loss is reported as it is
        }
        return outcome;
    }

private:
    bool cancelled() const { return cancel_ != nullptr && cancel_->load(); }
    void note(const std::string &line) const {
        if (log_) log_(line);
    }
    bool save() { return !persist_ || persist_(progress_); }
    S3Outcome persist_failed() const { return failed("could not save the upload progress", true); }

    S3Outcome multipart(const UploadPlan &plan, uint64_t file_size) {
        if (!progress_.upload_id.empty() &&
            (progress_.file_size != file_size || progress_.part_size != plan.part_size)) {
            note("the saved progress is for another file size or part size: aborting upload " + progress_.upload_id);
            client_.abort_multipart(key_, progress_.upload_id);
            progress_ = {};
            if (!save()) return persist_failed();
        }
        if (!progress_.upload_id.empty()) {
            S3Outcome resumed = resume(plan, file_size);
            if (!resumed.ok || done_) return resumed;
        } else {
            std::string upload_id;
            S3Outcome created = client_.create_multipart(key_, meta_, upload_id);
            if (!created.ok) return created;
            progress_ = {upload_id, file_size, plan.part_size, {}};
            // Saved before any part: a restart then resumes (or aborts) this upload, not a new one.
            // Unsaved, nobody could ever resume or abort it: abort it now.
            if (!save()) {
                client_.abort_multipart(key_, upload_id);
                progress_ = {};
                return persist_failed();
            }
            note("started multipart upload " + upload_id + " (" + std::to_string(plan.parts.size()) + " parts of " +
                 std::to_string(plan.part_size) + " bytes)");
        }
        for (const PlannedPart &part : plan.parts) {
            if (stored(part)) continue;
            if (cancelled()) return cancelled_outcome();
            std::string etag;
            S3Outcome sent = client_.upload_part(key_, progress_.upload_id, part, path_, etag);
            if (!sent.ok) return sent;
            record_part(progress_, {part.number, etag, part.length});
            if (!save()) return persist_failed();
            note("part " + std::to_string(part.number) + "/" + std::to_string(plan.parts.size()) + " sent (" +
                 std::to_string(part.length) + " bytes)");
        }
        if (cancelled()) return cancelled_outcome();
        S3Outcome completed = client_.complete_multipart(key_, progress_.upload_id, progress_.parts);
        if (!completed.ok) return completed;
        note("completed multipart upload " + progress_.upload_id);
        const auto expected = multipart_etag(progress_.parts);
        return verify(file_size, expected ? &*expected : nullptr);
    }

    // Keeps the saved parts S3 still has, unchanged, where the plan wants them.
    S3Outcome resume(const UploadPlan &plan, uint64_t file_size) {
        std::vector<UploadedPart> listed;
        S3Outcome outcome = client_.list_parts(key_, progress_.upload_id, listed);
        if (outcome.upload_gone && progress_.parts.size() == plan.parts.size()) {
            // Every part was sent: maybe it was completed just before a crash. The object's ETag
            // tells whether it is made of exactly these parts.
            const auto expected = multipart_etag(progress_.parts);
            uint64_t size = 0;
            Metadata stored_meta;
            std::string etag;
            if (expected && client_.head(key_, size, stored_meta, &etag).ok && etag == *expected && size == file_size) {
                note("upload " + progress_.upload_id + " was already completed");
                done_ = true;
                S3Outcome ok;
                ok.ok = true;
                return ok;
            }
        }
        if (!outcome.ok) return outcome;
        std::vector<UploadedPart> kept;
        for (const UploadedPart &part : progress_.parts) {
            const auto on_server = std::find_if(listed.begin(), listed.end(),
                                                [&](const UploadedPart &p) { return p.number == part.number; });
            const bool planned = part.number >= 1 && part.number <= static_cast<int>(plan.parts.size()) &&
                                 plan.parts[static_cast<size_t>(part.number - 1)].length == part.size;
            if (planned && on_server != listed.end() && on_server->etag == part.etag && on_server->size == part.size)
                kept.push_back(part);
        }
        if (kept.size() != progress_.parts.size()) {
            note(std::to_string(progress_.parts.size() - kept.size()) +
                 " saved parts are not on the server: sending them again");
            progress_.parts = kept;
            if (!save()) return persist_failed();
        }
        std::string numbers;
        for (const UploadedPart &part : kept) numbers += (numbers.empty() ? "" : ",") + std::to_string(part.number);
        note("resuming multipart upload " + progress_.upload_id + ": " + std::to_string(kept.size()) + " of " +
             std::to_string(plan.parts.size()) + " parts already stored [" + numbers + "]");
        return outcome;
    }

    bool stored(const PlannedPart &part) const {
        return std::any_of(progress_.parts.begin(), progress_.parts.end(),
                           [&](const UploadedPart &p) { return p.number == part.number; });
    }

    // The stored object must have the file's size. Its ETag is normally the MD5 of our parts'
    // MD5s; with some server-side encryption it is not, so a different one is only noted.
    S3Outcome verify(uint64_t file_size, const std::string *expected_etag) {
        uint64_t size = 0;
        Metadata stored_meta;
        std::string etag;
        S3Outcome outcome = client_.head(key_, size, stored_meta, &etag);
        if (!outcome.ok) return outcome;
        if (size != file_size)
            return failed("stored object \"" + key_ + "\" has " + std::to_string(size) + " bytes, the file " +
                              std::to_string(file_size),
                          false);
        if (expected_etag != nullptr && etag != *expected_etag)
            note("stored ETag " + etag.substr(0, 80) + " is not " + *expected_etag + " (server-side encryption?)");
        return outcome;
    }

    S3Client &client_;
    const std::string &key_, &path_;
    const Metadata &meta_;
    UploadProgress &progress_;
    const std::function<bool(const UploadProgress &)> &persist_;
    const std::atomic<bool> *cancel_;
    const std::function<void(const std::string &)> &log_;
    bool done_ = false;
};

} // namespace

S3Outcome upload_file(S3Client &client, const std::string &key, const std::string &path, const Metadata &meta,
                      UploadProgress &progress, const std::function<bool(const UploadProgress &)> &persist,
                      const std::atomic<bool> *cancel, const std::function<void(const std::string &)> &log) {
    CancelScope scope(client, cancel);
    return Upload(client, key, path, meta, progress, persist, cancel, log).run();
}

} // namespace roomrec::storage
