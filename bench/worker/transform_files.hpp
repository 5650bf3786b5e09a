#pragma once
/// The benchmark's stand-in for the worker's image step: `pms-worker-bench transform` reads each
/// file, runs the pipeline's transform() on it and writes the result, on N threads.

namespace pms::bench {

/// argv after "transform": --threads N --out DIR [--max-width W] [--max-height H]
/// [--quality Q] FILE...; returns the exit code.
int transform_files(int argc, char** argv);

}  // namespace pms::bench
