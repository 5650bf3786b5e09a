# shellcheck shell=bash
# The static checks of scripts/test: shellcheck on every shell script of the
# tree, which fails on any finding.
#
# Needs log.sh and paths.sh.

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
