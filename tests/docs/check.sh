#!/usr/bin/env bash
# Fails when the repository's documentation points at something that is not there.
#
# Usage: tests/docs/check.sh [REPO_DIR]   (default: the repository holding this script)
#
# Checked, over the files git knows of (tracked, or new and not ignored):
#   - every relative link of a Markdown file, [text](path) or [name]: path,
#     resolves to a file or folder of the repository (an #anchor is not checked);
#   - no file names the documents the project started from, which a clone does
#     not have: everything it relies on is written down in docs/;
#   - every repository path a Markdown file names in backticks exists. A path is
#     a word of a code span that contains a slash and starts with a top-level
#     folder of the repository (`fcgi/child.cpp`, `scripts/stack up`), or with a
#     folder next to the Markdown file (`triggers/outbox_notify.sql` in
#     db/README.md). A glob (`db/tests/*.sql`) must match something; a word with a
#     placeholder (`<`, `{`, `$`) is not a path. Fenced code blocks are not read.
#
# Prints one line per finding (file:line: what) and exits 1 if there is any.
set -euo pipefail

repo=$(realpath "${1:-$(dirname "$(realpath "${BASH_SOURCE[0]}")")/../..}")
cd "$repo"

# The names no file may contain, written in two halves so that this file does not name them.
forbidden=("../sha""red" "work/sha""red" "DESIGN"".md" "CONTRACTS"".md" "FACTS"".md")

declare -A known=()     # every listed file and every folder above one, relative to $repo
declare -A top_dirs=()  # the top-level folders
mapfile -t files < <(git ls-files --cached --others --exclude-standard | sort -u)
for file in "${files[@]}"; do
    [[ -e "$file" ]] || continue  # deleted, not yet staged
    known[$file]=1
    path=$file
    while [[ "$path" == */* ]]; do
        path=${path%/*}
        known[$path]=1
    done
    [[ "$file" != */* ]] || top_dirs[${file%%/*}]=1
done

findings=0
finding() {
    printf '%s\n' "$*"
    findings=$((findings + 1))
}

# Whether the normalised relative path $1 (a file, a folder, or a glob) is known.
exists() {
    local path=${1%/} candidate
    [[ -n "$path" ]] || return 1
    if [[ "$path" == *[*?[]* ]]; then
        for candidate in "${!known[@]}"; do
            # shellcheck disable=SC2053 # $path is a glob on purpose
            [[ "$candidate" == $path ]] && return 0
        done
        return 1
    fi
    [[ -n "${known[$path]:-}" ]]
}

# Sets `normalised` to $2 (relative to the folder $1 of the repository) relative to the
# repository, without . and .. parts; empty when it leaves the repository. (No subshell: it runs
# for every path word.)
normalise() {
    local part
    local -a parts=() out=()
    IFS=/ read -r -a parts <<<"$1/$2"
    for part in "${parts[@]}"; do
        case "$part" in
            '' | .) ;;
            ..)
                ((${#out[@]} > 0)) || {
                    normalised=
                    return 0
                }
                unset 'out[${#out[@]}-1]'
                ;;
            *) out+=("$part") ;;
        esac
    done
    local IFS=/
    normalised="${out[*]}"
}

# Prints the links and code spans of Markdown file $1, outside fenced code blocks, one a line:
# `link<TAB>line<TAB>target` or `code<TAB>line<TAB>text` (a span continued over lines is joined).
extract() {
    awk '
        function flush_code() { if (in_code) { printf "code\t%d\t%s\n", code_line, code; } in_code = 0; code = "" }
        /^[ \t]*(```|~~~)/ { fenced = !fenced; flush_code(); next }
        fenced { next }
        /^[ \t]*$/ { flush_code(); next }   # a code span ends with its paragraph
        {
            line = $0
            if (match(line, /^[ \t]*\[[^]]+\]:[ \t]+[^ \t]+/)) {
                target = substr(line, RSTART, RLENGTH); sub(/^[^]]*\]:[ \t]+/, "", target)
                printf "link\t%d\t%s\n", NR, target
            }
            text = ""
            while ((i = index(line, "`")) > 0) {
                if (in_code) { code = code substr(line, 1, i - 1); flush_code() }
                else { text = text " " substr(line, 1, i - 1); in_code = 1; code_line = NR }
                while (substr(line, i + 1, 1) == "`") i++   # a run of backticks opens or closes once
                line = substr(line, i + 1)
            }
            if (in_code) code = code line " "; else text = text " " line
            while (match(text, /\]\([^) \t]+/)) {
                printf "link\t%d\t%s\n", NR, substr(text, RSTART + 2, RLENGTH - 2)
                text = substr(text, RSTART + RLENGTH)
            }
        }
        END { flush_code() }
    ' "$1"
}

# A finding unless link target $3 (at line $2 of Markdown file $1 in folder $4) resolves.
check_link() {
    local md=$1 line=$2 target=$3 dir=$4
    case "$target" in
        '#'* | *://* | mailto:*) return 0 ;;
    esac
    target=${target%%#*}
    target=${target%%\?*}
    [[ "$target" != /* ]] || dir=. # /path: from the repository's top
    normalise "$dir" "$target"
    [[ -n "$normalised" ]] && exists "$normalised" && return 0
    finding "$md:$line: link to $target, which is not in the repository"
}

# A finding for each repository path of code span $3 (at line $2 of Markdown file $1 in folder
# $4) that does not exist. A path git ignores is one a program writes, named as such.
check_code() {
    local md=$1 line=$2 text=$3 dir=$4 word first slash
    local -a words
    read -r -a words <<<"$text"
    for word in "${words[@]}"; do
        word=${word#[(\'\"]}
        word=${word%[)\'\",;.]}
        [[ ! "$word" =~ ^(.*):[0-9]+(-[0-9]+)?$ ]] || word=${BASH_REMATCH[1]} # file:line
        [[ "$word" == */* && "$word" != *[\<\>\{\}\$=]* && "$word" != /* ]] || continue
        first=${word%%/*}
        if [[ -n "${top_dirs[$first]:-}" ]]; then
            normalise . "$word"
            exists "$normalised" && continue
            # A folder keeps its slash: an ignore pattern may name folders only.
            slash=
            [[ "$word" != */ ]] || slash=/
            git check-ignore -q --no-index "$normalised$slash" && continue
        fi
        if [[ "$dir" != . && -n "${known[$dir/$first]:-}" ]]; then
            normalise "$dir" "$word"
            exists "$normalised" && continue
        elif [[ -z "${top_dirs[$first]:-}" ]]; then
            continue # not a path of this repository (a URL, a system path)
        fi
        finding "$md:$line: \`$word\` is not in the repository"
    done
}

for md in "${files[@]}"; do
    [[ "$md" == *.md && -e "$md" ]] || continue
    md_dir=$(dirname "$md")
    while IFS=$'\t' read -r kind line value; do
        case "$kind" in
            link) check_link "$md" "$line" "$value" "$md_dir" ;;
            code) check_code "$md" "$line" "$value" "$md_dir" ;;
        esac
    done < <(extract "$md")
done

for name in "${forbidden[@]}"; do
    while IFS= read -r hit; do
        finding "$hit: names $name, which is not in the repository (write it down in docs/)"
    done < <(git grep --untracked -n -I -F -e "$name" -- . | cut -d: -f1,2)
done

if ((findings > 0)); then
    printf 'docs check: %d finding(s)\n' "$findings" >&2
    exit 1
fi
printf 'docs check: %d Markdown files, links and paths resolve\n' \
    "$(printf '%s\n' "${files[@]}" | grep -c '\.md$')" >&2
