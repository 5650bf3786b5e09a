/// pms-api: the FastCGI application behind nginx. main() reads the settings and hands over to
/// the pre-fork master (master.cpp), whose children serve requests (child.cpp -> router.cpp ->
/// handlers/ -> database.cpp -> the api.* functions in PostgreSQL).
#include "common/cli.hpp"
#include "common/log.hpp"
#include "fcgi/api_config.hpp"
#include "fcgi/master.hpp"

int main(int argc, char** argv) {
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
