// The log on a file system that fills up: appends fail cleanly, nothing already
// stored is harmed, and appends succeed again once there is room.
#include <gtest/gtest.h>

#include <atomic>

#include "log/embedded_log.h"
#include "log_test_util.h"
#include "support/temp_dir.h"

namespace sluice::log {
namespace {

using sluice::testing::TempDir;
using testing::append_numbered;
using testing::read_all;

// Real files, but writes stop fitting once `free_bytes` are used up. Like a real
// full disk, a write that does not fit writes part of its bytes first.
class FillingFileSystem final : public FileSystem {
 public:
  std::atomic<int64_t> free_bytes{INT64_MAX};

  Result<std::unique_ptr<WritableFile>> open_for_append(const std::string& path) override {
    auto inner = FileSystem::posix().open_for_append(path);
    if (!inner) return inner.status();
    return std::unique_ptr<WritableFile>(new File(std::move(inner).value(), *this));
  }
  Status sync_directory(const std::string& path) override { return FileSystem::posix().sync_directory(path); }

 private:
  class File final : public WritableFile {
   public:
    File(std::unique_ptr<WritableFile> inner, FillingFileSystem& fs) : inner_(std::move(inner)), fs_(fs) {}
    Status append(std::string_view bytes) override {
      const int64_t free = fs_.free_bytes.load();
      if (static_cast<int64_t>(bytes.size()) > free) {
        const int64_t before = inner_->size();
        (void)inner_->append(bytes.substr(0, static_cast<size_t>(std::max<int64_t>(0, free))));
        (void)inner_->truncate(before);  // what the real file does after a short write
        return Status::exhausted("write: No space left on device");
      }
      fs_.free_bytes -= static_cast<int64_t>(bytes.size());
      return inner_->append(bytes);
    }
    Status sync() override { return inner_->sync(); }
    Status truncate(int64_t size) override { return inner_->truncate(size); }
    int64_t size() const override { return inner_->size(); }

   private:
    std::unique_ptr<WritableFile> inner_;
    FillingFileSystem& fs_;
  };
};

TEST(DiskFull, AppendFailsCleanlyAndResumesWhenSpaceReturns) {
  TempDir dir;
  FillingFileSystem fs;
  EmbeddedLogOptions options;
  options.fs = &fs;
  auto log = testing::open_log(dir.path(), options);
  TopicConfig c = testing::topic("t");
  c.durability = Durability::kAlways;
  ASSERT_TRUE(log->ensure_topic(c).is_ok());
  ASSERT_TRUE(append_numbered(*log, "t", 0, 0, 10, 20));
  fs.free_bytes = 150;  // less than a batch of 10 padded records
  auto full = append_numbered(*log, "t", 0, 10, 10, 20);
  ASSERT_FALSE(full.is_ok());
  EXPECT_EQ(full.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(full.status().message().find("No space left"), std::string::npos) << full.status().message();
  EXPECT_EQ(read_all(*log, "t", 0).values.size(), 10u);

  fs.free_bytes = INT64_MAX;
  auto resumed = append_numbered(*log, "t", 0, 10, 10, 20);
  ASSERT_TRUE(resumed.is_ok());
  EXPECT_EQ(resumed->first_offset, 10) << "the failed append used no offsets";
  log.reset();
  auto reopened = testing::open_log(dir.path());
  auto all = read_all(*reopened, "t", 0);
  ASSERT_EQ(all.values.size(), 20u);
  EXPECT_EQ(all.values.back(), "v19");
}

}  // namespace
}  // namespace sluice::log
