/// pms-api: the FastCGI application behind nginx. main() reads the settings and hands over to
/// the pre-fork master (master.cpp), whose children serve requests (child.cpp -> router.cpp ->
/// handlers/ -> database.cpp -> the api.* functions in PostgreSQL).
#include <malloc.h>

#include "common/cli.hpp"
#include "common/log.hpp"
#include "fcgi/api_config.hpp"
#include "fcgi/master.hpp"

namespace {

/// glibc gives the free top of a thread's heap back to the kernel once it passes the trim
/// threshold, which starts at 128 kB and follows the largest block freed: with a batch's pages
/// (about 100 kB of text, copied several times on their way) the lanes' heaps shrank and grew
/// again on every batch, and each shrink (madvise) stopped both cores to flush their TLBs: 14% of
/// pms-api's time under the list benchmark (perf). Fixed thresholds keep up to 16 MB free per heap
/// and serve blocks below 4 MB from the heaps, not from mmap, whose munmap flushes the same way.
void keep_freed_memory_for_reuse() {
    constexpr int kTrimThreshold = 16 << 20;
    constexpr int kMmapThreshold = 4 << 20;
    mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
    mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
}

}  // namespace

int main(int argc, char** argv) {
    keep_freed_memory_for_reuse();
    const pms::ProgramInfo info{
        "pms-api", pms::kApi,
        "FastCGI application serving the product API (run behind nginx, see nginx/pms.conf.in)."};
    if (auto exit_code = pms::start_program(argc, argv, info)) {
        return *exit_code;
    }
    try {
        return pms::api::run_master(pms::api::ApiConfig::from(pms::Config(pms::kApi)));
    } catch (const pms::ConfigError& error) {
        pms::log::error("invalid configuration", {{"error", error.what()}});
        return 2;
    } catch (const std::exception& error) {
        pms::log::error("pms-api failed", {{"error", error.what()}});
        return 1;
    }
}
