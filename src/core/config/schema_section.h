// The `schemas:` section of a pipeline file: the classes of a source's fields.
//
//   schemas:
//     requests:                    # inline
//       fields:
//         email: confidential
//         client.ip: internal
//         card_number: restricted
//       default: public            # fields not named (the default)
//     payments: schemas/payments.yaml   # the same map in a file of its own
//
// A source names its schema with `schema: requests`. Only the shape is checked
// here; the class names and what the classes may reach are the governance check's
// (governance/exposure_check.h).
#pragma once

#include <yaml-cpp/yaml.h>

#include <vector>

#include "core/config/option_parser.h"
#include "core/config/pipeline_config.h"

namespace sluice::config_detail {

void load_schemas_section(const ParseContext& ctx, const YAML::Node& key, const YAML::Node& body,
                          std::vector<SchemaConfig>* schemas);

}  // namespace sluice::config_detail
