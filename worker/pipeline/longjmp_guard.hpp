#pragma once
/// The one place where C libraries that report errors by longjmp (libjpeg, libpng) land: their
/// error callback jumps to the jmp_buf, and the wrapper turns that into an exception.

#include <csetjmp>

namespace pms {

/// Runs `invoke(call)`; false when a longjmp to `jump` ended it. setjmp lives in this frame, which
/// outlives the call, and nothing with a destructor may live between it and the library's frames:
/// callers pass lambdas that only call the library on plain pointers, so the jump skips no
/// cleanup.
bool run_guarded(std::jmp_buf& jump, void (*invoke)(void*), void* call);

/// run_guarded() for a callable.
template <typename Call>
bool call_guarded(std::jmp_buf& jump, Call& call) {
    return run_guarded(
        jump, [](void* c) { (*static_cast<Call*>(c))(); }, &call);
}

}  // namespace pms
