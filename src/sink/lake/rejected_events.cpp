#include "sink/lake/rejected_events.h"

#include "core/time.h"
#include "format/json_writer.h"
#include "sink/lake/file_names.h"

namespace sluice::sink::lake {

namespace {
constexpr const char* kDirectory = "_rejected";
}

void RejectedEvents::add(const Event& event, const std::string& reason) {
  pending_ += "{\"reason\":";
  format::append_json_string(reason, pending_);
  if (event.offset >= 0) pending_ += ",\"offset\":" + std::to_string(event.offset);
  pending_ += ",\"event\":";
  format::append_json(event.fields, pending_);
  pending_ += "}\n";
}

Status RejectedEvents::flush(LakeStorage& storage) {
  if (pending_.empty() && !object_) return Status::ok();
  if (!object_) {
    const std::string unique =
        "rejected-" + std::to_string(now_us()) + "-" + std::to_string(sequence_++);
    temp_name_ = temp_file_name(prefix_, unique);
    final_name_ = prefix_ + "." + unique + ".ndjson";
    auto created = storage.create(kDirectory, temp_name_);
    if (!created) return created.status();
    object_ = std::move(*created);
  }
  if (!pending_.empty()) {
    SLUICE_RETURN_IF_ERROR(object_->append(pending_));
    pending_.clear();
  }
  SLUICE_RETURN_IF_ERROR(object_->commit(final_name_));
  object_.reset();
  return Status::ok();
}

void RejectedEvents::abort() {
  if (object_) object_->abort();
  object_.reset();
}

}  // namespace sluice::sink::lake
