/// setjmp for the C libraries that longjmp on errors.
#include "worker/pipeline/longjmp_guard.hpp"

namespace pms {

__attribute__((noinline)) bool run_guarded(std::jmp_buf& jump, void (*invoke)(void*), void* call) {
    if (setjmp(jump) != 0) {
        return false;
    }
    invoke(call);
    return true;
}

}  // namespace pms
