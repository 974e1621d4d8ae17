// The audit entries of a pipeline start (governance/audit_log.h): pipeline_started
// with the hash of the whole configuration and of each component, naming those
// added, removed or changed since the previous start; and key_rotated for every
// govern transform whose active key is not the one it had then.
#pragma once

#include "core/config/pipeline_config.h"
#include "core/status.h"
#include "governance/audit_log.h"

namespace sluice::runtime {

// Fails when the audit log cannot be written: a pipeline does not run unaudited.
Status audit_pipeline_start(const PipelineConfig& config, governance::AuditLog& audit);

}  // namespace sluice::runtime
