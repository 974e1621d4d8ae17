// LakeStorage: where the lake's files live — a local directory today, an object
// store (S3-compatible) later — behind the few operations the lake needs.
//
// Paths are relative to the lake's root and use '/'. An object is created under
// a temporary name that readers ignore (a leading '.'), grows by appends, and
// becomes visible under its final name only by commit(), atomically and durably:
// a reader never sees half a file, and after commit() returns the file survives
// a crash. Every operation can be retried after a failure with the same
// arguments (a full disk that was freed, a store that was briefly down).
//
// Not thread-safe: one sink thread uses a storage and its objects.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace sluice::sink::lake {

class LakeObject {
 public:
  virtual ~LakeObject() = default;
  // Appends `bytes` at the end. After a failure the object is as it was before the
  // call, so appending the same bytes again is correct.
  virtual Status append(std::string_view bytes) = 0;
  virtual uint64_t size() const = 0;
  // Makes the object durable and visible as `final_name` in its directory.
  virtual Status commit(const std::string& final_name) = 0;
  // Drops an object that will not be committed.
  virtual void abort() = 0;
};

class LakeStorage {
 public:
  virtual ~LakeStorage() = default;
  // A new object `temp_name` in `dir` (created as needed).
  virtual Result<std::unique_ptr<LakeObject>> create(const std::string& dir,
                                                     const std::string& temp_name) = 0;
  // Names of the objects directly in `dir`; empty when it does not exist.
  virtual Result<std::vector<std::string>> list(const std::string& dir) = 0;
  virtual Status remove(const std::string& dir, const std::string& name) = 0;
  // How a user finds an object: a path or a URL.
  virtual std::string describe(const std::string& dir, const std::string& name) const = 0;
};

// The local-directory storage rooted at `root`.
std::unique_ptr<LakeStorage> local_storage(std::string root);

}  // namespace sluice::sink::lake
