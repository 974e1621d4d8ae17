#include "observe/json_log_formatter.h"

#include <spdlog/details/log_msg.h>

#include <chrono>

#include "core/time.h"
#include "observe/json_out.h"

namespace sluice::observe {

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const int64_t us =
      std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count();
  const auto level = spdlog::level::to_string_view(msg.level);
  JsonOut j;
  j.begin_object();
  char time[40];
  j.key("time").value(std::string_view(time, format_rfc3339(us, time, true)));
  j.key("level").value(std::string_view(level.data(), level.size()));
  j.key("logger").value(std::string_view(msg.logger_name.data(), msg.logger_name.size()));
  j.key("message").value(std::string_view(msg.payload.data(), msg.payload.size()));
  j.end_object();
  const std::string& text = j.text();
  dest.append(text.data(), text.data() + text.size());
  dest.push_back('\n');
}

}  // namespace sluice::observe
