// SourceContext::emit: what a source that can wait does when the log refuses.
#include <gtest/gtest.h>

#include <deque>

#include "source/source.h"

namespace sluice::source {
namespace {

// Answers append() from a script, then OK; stops after `stop_after` sleeps.
class ScriptedContext final : public SourceContext {
 public:
  explicit ScriptedContext(std::deque<Status> answers, int stop_after = 1000)
      : answers_(std::move(answers)), stop_after_(stop_after) {}
  Status append(Batch&) override {
    ++appends;
    if (answers_.empty()) return Status::ok();
    Status s = answers_.front();
    answers_.pop_front();
    return s;
  }
  bool stopping() const override { return sleeps >= stop_after_; }
  bool sleep_until_us(int64_t) override {
    ++sleeps;
    return !stopping();
  }
  int appends = 0;
  int sleeps = 0;

 private:
  std::deque<Status> answers_;
  int stop_after_;
};

Batch empty;

TEST(SourceContextEmit, BrokersOutOfReachAreWaitedOutLikeAFullLog) {
  ScriptedContext ctx({Status::unavailable("log: append: all brokers down; retry later"),
                       Status::exhausted("log: over its disk limit"),
                       Status::unavailable("log: append: all brokers down; retry later")});
  EXPECT_TRUE(ctx.emit(empty).is_ok());
  EXPECT_EQ(ctx.appends, 4);  // three refusals, then stored
  EXPECT_EQ(ctx.sleeps, 3);
}

TEST(SourceContextEmit, AStoppingPipelineEndsTheWait) {
  std::deque<Status> down(100, Status::unavailable("the pipeline is stopping"));
  ScriptedContext ctx(std::move(down), /*stop_after=*/2);
  EXPECT_EQ(ctx.emit(empty).code(), StatusCode::kUnavailable);
  EXPECT_LE(ctx.appends, 3);
}

TEST(SourceContextEmit, AnotherErrorIsNotRetriedAndReachesTheSource) {
  ScriptedContext ctx({Status::io_error("log: cannot write segment")});
  Status s = ctx.emit(empty);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_EQ(s.message(), "log: cannot write segment");
  EXPECT_EQ(ctx.appends, 1);
  EXPECT_EQ(ctx.sleeps, 0);
}

}  // namespace
}  // namespace sluice::source
