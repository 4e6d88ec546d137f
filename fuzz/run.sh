#!/usr/bin/env bash
# Runs each fuzz target for a bounded time (default 60 s each; first argument
# overrides), starting from the small seed corpus in fuzz/corpus/.
# Needs cargo-fuzz (`cargo install cargo-fuzz`). cargo-fuzz wants nightly
# flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
for target in front_matter markdown partial_date shortcode; do
  echo "== $target for ${seconds}s"
  mkdir -p "corpus/$target"
  # Work on a copy so the committed seeds stay small.
  work=$(mktemp -d)
  cp -r "corpus/$target/." "$work/"
  dict=()
  [ -f "$target.dict" ] && dict=(-dict="$target.dict")
  cargo fuzz run --sanitizer none "$target" "$work" -- -max_total_time="$seconds" -max_len=65536 "${dict[@]}" 2>&1 | tail -n 4
  rm -rf "$work"
done
