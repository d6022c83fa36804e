#!/usr/bin/env bash
# Side-by-side speed of Tessera and llama.cpp on the same model files and thread count, in one run.
# llama.cpp is built from the pinned llama-cpp-python sdist (PyPI) into a scratch folder that is never
# committed. Runs are interleaved (llama.cpp, tessera, llama.cpp) so drift shows up in the spread.
#
# Usage: bench/compare.sh [-t THREADS] [-p 512] [-n 128] [-r 3] MODEL.gguf...
set -euo pipefail
threads=2; prompt=512; generated=128; repetitions=3
while getopts "t:p:n:r:" option; do
  case "$option" in
    t) threads="$OPTARG" ;; p) prompt="$OPTARG" ;; n) generated="$OPTARG" ;; r) repetitions="$OPTARG" ;;
    *) exit 1 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-t N] [-p N] [-n N] [-r N] MODEL.gguf..."; exit 1; }

root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="${TESSERA_SCRATCH:-$root/scratch}"
peer_version="0.3.36"
llama_bench="$scratch/llama.cpp-$peer_version/build/bin/llama-bench"
if [ ! -x "$llama_bench" ]; then
  mkdir -p "$scratch"
  python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$scratch" "llama-cpp-python==$peer_version"
  tar -xzf "$scratch/llama_cpp_python-$peer_version.tar.gz" -C "$scratch"
  source_dir="$scratch/llama_cpp_python-$peer_version/vendor/llama.cpp"
  cmake -S "$source_dir" -B "$scratch/llama.cpp-$peer_version/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=ON -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF > /dev/null
  cmake --build "$scratch/llama.cpp-$peer_version/build" --target llama-bench -j "$(nproc)" > /dev/null
fi
tessera="$root/build/bin/tessera"
[ -x "$tessera" ] || { echo "build tessera first (make build)"; exit 1; }

peer_run() {  # prints "pp tg" tokens/s
  "$llama_bench" -m "$1" -t "$threads" -p "$prompt" -n "$generated" -r "$repetitions" -o json 2>/dev/null |
    python3 -c 'import json,sys; r=json.load(sys.stdin); d={("pp" if x["n_prompt"] else "tg"): x["avg_ts"] for x in r}; print(d.get("pp",0), d.get("tg",0))'
}
tessera_run() {
  "$tessera" bench -m "$1" -t "$threads" -p "$prompt" -n "$generated" -r "$repetitions" --json |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["pp_tok_s"], r["tg_tok_s"], r["read_bandwidth_gb_s"], r["tg_bandwidth_fraction"])'
}

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), threads $threads, $(date -u +%Y-%m-%d)"
echo "llama.cpp from llama-cpp-python $peer_version; pp$prompt / tg$generated, $repetitions repetitions each"
echo
echo "| model | llama.cpp pp | tessera pp | pp ratio | llama.cpp tg | tessera tg | tg ratio | tg % of read bw |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for model in "$@"; do
  read -r peer_pp_1 peer_tg_1 < <(peer_run "$model")
  read -r own_pp own_tg bandwidth fraction < <(tessera_run "$model")
  read -r peer_pp_2 peer_tg_2 < <(peer_run "$model")
  python3 - "$model" "$peer_pp_1" "$peer_pp_2" "$own_pp" "$peer_tg_1" "$peer_tg_2" "$own_tg" "$fraction" <<'PYTHON'
import os, sys
name = os.path.basename(sys.argv[1])
peer_pp = (float(sys.argv[2]) + float(sys.argv[3])) / 2
own_pp = float(sys.argv[4])
peer_tg = (float(sys.argv[5]) + float(sys.argv[6])) / 2
own_tg = float(sys.argv[7])
fraction = float(sys.argv[8])
print(f"| {name} | {peer_pp:.1f} ({sys.argv[2]:.6s}/{sys.argv[3]:.6s}) | {own_pp:.1f} | {own_pp / peer_pp:.2f} | "
      f"{peer_tg:.1f} ({sys.argv[5]:.6s}/{sys.argv[6]:.6s}) | {own_tg:.1f} | {own_tg / peer_tg:.2f} | {100 * fraction:.0f}% |")
PYTHON
done
