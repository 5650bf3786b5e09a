/// Swapping the outbox's wake-up trigger for the comparison.
#include "bench/bridge/notify_scheme.hpp"

namespace pms::bridge_bench {

namespace {

/// The wake-up as it was before the idle handshake: one pg_notify per INSERT statement.
constexpr const char* kPerStatementTrigger = R"sql(
create or replace function pms.bench_outbox_notify_per_statement()
returns trigger
language plpgsql
security definer
set search_path = pms, pg_temp
as $$
begin
    if exists (select from new_rows) then
        perform pg_notify('pms_outbox', '');
    end if;
    return null;
end;
$$;
create or replace trigger bench_outbox_notify_per_statement
    after insert on pms.outbox
    referencing new table as new_rows
    for each statement
    execute function pms.bench_outbox_notify_per_statement();
)sql";

constexpr const char* kDropPerStatementTrigger = R"sql(
drop trigger if exists bench_outbox_notify_per_statement on pms.outbox;
drop function if exists pms.bench_outbox_notify_per_statement();
)sql";

void run(pqxx::connection& owner, const std::string& sql) {
    pqxx::work transaction(owner);
    transaction.exec(sql);
    transaction.commit();
}

}  // namespace

std::string name(NotifyScheme scheme) {
    switch (scheme) {
        case NotifyScheme::kNone: return "none";
        case NotifyScheme::kPerStatement: return "per_statement";
        case NotifyScheme::kIdleAware: return "idle_aware";
    }
    return "";
}

void use_scheme(pqxx::connection& owner, NotifyScheme scheme) {
    switch (scheme) {
        case NotifyScheme::kNone:
            run(owner, std::string(kDropPerStatementTrigger) +
                           "alter table pms.outbox disable trigger outbox_notify;");
            break;
        case NotifyScheme::kPerStatement:
            run(owner, std::string(kPerStatementTrigger) +
                           "alter table pms.outbox disable trigger outbox_notify;");
            break;
        case NotifyScheme::kIdleAware: restore_shipped_scheme(owner); break;
    }
}

void restore_shipped_scheme(pqxx::connection& owner) {
    run(owner, std::string(kDropPerStatementTrigger) +
                   "alter table pms.outbox enable trigger outbox_notify;");
}

}  // namespace pms::bridge_bench
