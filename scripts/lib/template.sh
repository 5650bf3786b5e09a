# shellcheck shell=bash
# Renders @NAME@ templates the way CMake's configure_file(... @ONLY) does, so
# the shipped files (nginx/pms.conf.in) are filled the same way by the stack
# and by the install.

# Renders TEMPLATE into OUTPUT, replacing each @NAME@ by its value.
# Usage: template_render TEMPLATE OUTPUT NAME=value...
# Dies when a placeholder is left unfilled, so a typo never reaches nginx.
template_render() {
    local template=$1 output=$2 text pair name left
    shift 2
    text=$(<"$template") || die "cannot read $template"
    for pair in "$@"; do
        name=${pair%%=*}
        text=${text//"@$name@"/"${pair#*=}"}
    done
    left=$(grep -o '@[A-Z][A-Z0-9_]*@' <<<"$text" | sort -u | tr '\n' ' ') || true
    [[ -z "$left" ]] || die "$template: no value for $left"
    printf '%s\n' "$text" >"$output.tmp"
    mv -f "$output.tmp" "$output"
}
