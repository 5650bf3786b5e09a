# shellcheck shell=bash
# The static checks of scripts/test: shellcheck on every shell script of the
# tree, clang-tidy (.clang-tidy) on the programs', tests' and benchmarks' C++.
# Each fails on any finding.
#
# Needs log.sh, paths.sh and build.sh (BUILD_JOBS).

# A shell script: named *.sh, or starting with a sh or bash shebang, or with
# the `# shellcheck shell=` line of a library that is only sourced.
LINT_SHELL_FIRST_LINE='^(#!(/usr/bin/env |/usr/bin/|/bin/)(ba)?sh([[:space:]]|$)|# shellcheck shell=)'

# Prints the shell scripts git knows in the tree (tracked, or new and not
# ignored), relative to the repository, one per line.
lint_shell_scripts() {
    local file first
    while IFS= read -r file; do
        [[ -f "$PMS_REPO_DIR/$file" ]] || continue
        first=
        IFS= read -r first <"$PMS_REPO_DIR/$file" || true
        if [[ "$file" == *.sh || "$first" =~ $LINT_SHELL_FIRST_LINE ]]; then
            printf '%s\n' "$file"
        fi
    done < <(git -C "$PMS_REPO_DIR" ls-files --cached --others --exclude-standard)
}

lint_shellcheck() {
    local -a scripts
    mapfile -t scripts < <(lint_shell_scripts)
    ((${#scripts[@]} > 0)) || die "no shell scripts found"
    # -x follows the sourced libraries; their source= directives are relative
    # to the repository's root.
    (cd "$PMS_REPO_DIR" && shellcheck -x "${scripts[@]}")
}

# clang-tidy on the C++ of the programs (common/, fcgi/, worker/), the tests
# (tests/) and the benchmarks (bench/) in BUILD_DIR's compile_commands.json,
# BUILD_JOBS files at a time; .clang-tidy makes every finding an error. The
# libFuzzer targets of tests/fuzz/ are not in it: only the clang build of
# scripts/fuzz (PMS_FUZZ) compiles them. A file whose preprocessed text,
# compile command and configuration are those of a run where it passed is not
# checked again (clang_tidy_cached.py; the whole tree costs about 16 minutes
# of CPU). PMS_TIDY_CACHE_DIR: where the passes are remembered
# (/var/cache/pms-tidy as root, ~/.cache/pms-tidy otherwise).
# Usage: lint_clang_tidy BUILD_DIR
lint_clang_tidy() {
    local repo cache
    [[ -f "$1/compile_commands.json" ]] || die "no $1/compile_commands.json"
    if ((EUID == 0)); then cache=/var/cache/pms-tidy; else cache=${XDG_CACHE_HOME:-$HOME/.cache}/pms-tidy; fi
    # The file filter is a regular expression: the repository's path escaped.
    # shellcheck disable=SC2001 # every special character, with a back-reference: sed's job
    repo=$(sed 's/[][\\.*^$+?(){}|]/\\&/g' <<<"$PMS_REPO_DIR")
    python3 "$PMS_REPO_DIR/scripts/lib/clang_tidy_cached.py" "$1" "$PMS_REPO_DIR" \
        "${PMS_TIDY_CACHE_DIR:-$cache}" "$BUILD_JOBS" "^$repo/(common|fcgi|worker|tests|bench)/"
}
