// The exit codes of the sluice command, as documented in docs/cli.md.
#pragma once

namespace sluice::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalidPipeline = 1;  // the pipeline file has problems
inline constexpr int kExitUsage = 2;            // bad command-line flags or arguments
inline constexpr int kExitRuntimeFailure = 3;   // a component failed while running; I/O error
inline constexpr int kExitInterrupted = 130;    // a second Ctrl-C forced an immediate exit

}  // namespace sluice::cli
