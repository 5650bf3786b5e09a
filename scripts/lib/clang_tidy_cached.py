#!/usr/bin/env python3
"""clang-tidy on the files of a compile_commands.json, remembering the files
that passed.

clang-tidy with the clang analyzer costs about 5 s of CPU per file; a run over
every file of the tree takes longer than the rest of scripts/test. Most runs
change a few files, so a file is checked again only when something that can
change its verdict changed. Its key is the SHA-256 of:
  - clang-tidy's version;
  - every .clang-tidy of the repository (a file's configuration is the nearest
    one and the ones it inherits);
  - its compile command, with the repository's path taken out;
  - its preprocessed text (the compiler's -E), which holds every header it
    includes, with the repository's path taken out, so that two clones of the
    same commit share their keys.
Only a pass is remembered (an empty file named by the key); a finding is
printed and checked again on every run. Entries not used for 30 days go.

Usage: clang_tidy_cached.py BUILD_DIR REPO_DIR CACHE_DIR JOBS REGEX
Exits 1 when clang-tidy reported anything, 0 otherwise.
"""

import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import time

EXPIRY_SECONDS = 30 * 24 * 3600


def tidy_version():
    return subprocess.run(["clang-tidy", "--version"], check=True,
                          capture_output=True, text=True).stdout


def configs(repo):
    listed = subprocess.run(["git", "-C", repo, "ls-files", "--cached", "--others",
                             "--exclude-standard", "*.clang-tidy", ".clang-tidy"],
                            check=True, capture_output=True, text=True).stdout.split()
    text = ""
    for name in sorted(listed):
        with open(os.path.join(repo, name), encoding="utf-8") as config:
            text += name + "\0" + config.read() + "\0"
    return text


def preprocess_command(entry):
    """The entry's compile command turned into one that writes the
    preprocessed text to stdout."""
    args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if arg in ("-c", "-MD", "-MMD"):
            continue
        out.append(arg)
    return out + ["-E", "-o", "-"]


def key(entry, repo, common):
    digest = hashlib.sha256(common.encode())
    command = entry.get("command") or " ".join(entry["arguments"])
    digest.update(command.replace(repo, "@").encode() + b"\0")
    text = subprocess.run(preprocess_command(entry), cwd=entry["directory"], check=True,
                          capture_output=True).stdout
    digest.update(text.replace(repo.encode(), b"@"))
    return digest.hexdigest()


def check(entry, build_dir, repo, cache_dir, common):
    """Returns (file, output, passed, from_cache)."""
    path = entry["file"]
    try:
        name = os.path.join(cache_dir, key(entry, repo, common))
    except subprocess.CalledProcessError as error:
        # Not preprocessable: clang-tidy says why, and nothing is remembered.
        name = None
        sys.stderr.write(f"clang-tidy cache: cannot preprocess {path}: exit {error.returncode}\n")
    if name and os.path.exists(name):
        os.utime(name)
        return path, "", True, True
    tidy = subprocess.run(["clang-tidy", "-p", build_dir, "--quiet", path],
                          capture_output=True, text=True)
    output = tidy.stdout + tidy.stderr
    # clang-tidy prints "N warnings generated." for the suppressed findings
    # of system headers; only its findings count.
    passed = tidy.returncode == 0 and not re.search(r"(warning|error):", output)
    if passed and name:
        open(name, "w", encoding="utf-8").close()
    return path, output, passed, False


def prune(cache_dir):
    limit = time.time() - EXPIRY_SECONDS
    for name in os.listdir(cache_dir):
        full = os.path.join(cache_dir, name)
        if os.path.getmtime(full) < limit:
            os.remove(full)


def main():
    build_dir, repo, cache_dir, jobs, regex = sys.argv[1:6]
    repo = os.path.realpath(repo)
    os.makedirs(cache_dir, exist_ok=True)
    prune(cache_dir)
    with open(os.path.join(build_dir, "compile_commands.json"), encoding="utf-8") as database:
        entries = [e for e in json.load(database) if re.search(regex, e["file"])]
    if not entries:
        sys.exit(f"clang-tidy: no file of {build_dir}/compile_commands.json matches {regex}")
    common = tidy_version() + "\0" + configs(repo)
    failed = remembered = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=int(jobs)) as pool:
        futures = [pool.submit(check, e, build_dir, repo, cache_dir, common) for e in entries]
        for future in concurrent.futures.as_completed(futures):
            path, output, passed, from_cache = future.result()
            remembered += from_cache
            if not passed:
                failed += 1
                sys.stdout.write(f"--- {path}\n{output}")
    print(f"clang-tidy: {len(entries)} files, {remembered} unchanged since they passed, "
          f"{failed} with findings")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
