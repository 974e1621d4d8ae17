#include "observe/pipeline_status.h"

namespace sluice::observe {

const char* phase_name(PipelineStatus::Phase phase) {
  switch (phase) {
    case PipelineStatus::Phase::kStarting:
      return "starting";
    case PipelineStatus::Phase::kRunning:
      return "running";
    case PipelineStatus::Phase::kStopping:
      return "stopping";
    case PipelineStatus::Phase::kStopped:
      return "stopped";
  }
  return "unknown";
}

}  // namespace sluice::observe
