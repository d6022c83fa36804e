#!/usr/bin/env bash
# Side-by-side speed of Tessera and llama.cpp on the same model files and thread count, in one run.
# llama.cpp is built from the pinned llama-cpp-python sdist (PyPI) into a scratch folder that is never
# committed. Runs are interleaved (llama.cpp, tessera, llama.cpp) so drift shows up in the spread.
# On machines whose speed drifts (shared hosts), -k repeats that triple: each round gives its own ratio,
# and the table shows the median round with the range of the ratios over all rounds.
# -i avx2 compares as on an AVX2-only CPU: llama.cpp built for AVX2 + FMA + F16C (not -march=native)
# and Tessera capped with TESSERA_CPU_ISA=avx2.
#
# Usage: bench/compare.sh [-t THREADS] [-p 512] [-n 128] [-r 3] [-k ROUNDS] [-i avx2] MODEL.gguf...
set -euo pipefail
threads=2; prompt=512; generated=128; repetitions=3; rounds=1; isa=native
while getopts "t:p:n:r:k:i:" option; do
  case "$option" in
    t) threads="$OPTARG" ;; p) prompt="$OPTARG" ;; n) generated="$OPTARG" ;; r) repetitions="$OPTARG" ;;
    k) rounds="$OPTARG" ;; i) isa="$OPTARG" ;; *) exit 1 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-t N] [-p N] [-n N] [-r N] [-k ROUNDS] [-i avx2] MODEL.gguf..."; exit 1; }
case "$isa" in
  native) peer_flags=(-DGGML_NATIVE=ON); build_name=build; tessera_isa="" ;;
  avx2) peer_flags=(-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF)
        build_name=build-avx2; tessera_isa=avx2 ;;
  *) echo "-i takes native or avx2"; exit 1 ;;
esac

root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="${TESSERA_SCRATCH:-$root/scratch}"
peer_version="0.3.36"
llama_bench="$scratch/llama.cpp-$peer_version/$build_name/bin/llama-bench"
if [ ! -x "$llama_bench" ]; then
  mkdir -p "$scratch"
  source_dir="$scratch/llama_cpp_python-$peer_version/vendor/llama.cpp"
  if [ ! -d "$source_dir" ]; then
    python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$scratch" "llama-cpp-python==$peer_version"
    tar -xzf "$scratch/llama_cpp_python-$peer_version.tar.gz" -C "$scratch"
  fi
  cmake -S "$source_dir" -B "$scratch/llama.cpp-$peer_version/$build_name" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    "${peer_flags[@]}" -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF > /dev/null
  cmake --build "$scratch/llama.cpp-$peer_version/$build_name" --target llama-bench -j "$(nproc)" > /dev/null
fi
tessera="$root/build/bin/tessera"
[ -x "$tessera" ] || { echo "build tessera first (make build)"; exit 1; }

peer_run() {  # prints "pp tg" tokens/s
  "$llama_bench" -m "$1" -t "$threads" -p "$prompt" -n "$generated" -r "$repetitions" -o json 2>/dev/null |
    python3 -c 'import json,sys; r=json.load(sys.stdin); d={("pp" if x["n_prompt"] else "tg"): x["avg_ts"] for x in r}; print(d.get("pp",0), d.get("tg",0))'
}
tessera_run() {
  TESSERA_CPU_ISA="$tessera_isa" "$tessera" bench -m "$1" -t "$threads" -p "$prompt" -n "$generated" -r "$repetitions" --json |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["pp_tok_s"], r["tg_tok_s"], r["read_bandwidth_gb_s"], r["tg_bandwidth_fraction"])'
}

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), threads $threads, $(date -u +%Y-%m-%d)"
echo "llama.cpp from llama-cpp-python $peer_version ($isa build); pp$prompt / tg$generated, $repetitions repetitions each, $rounds round(s)"
echo
echo "| model | llama.cpp pp | tessera pp | pp ratio | llama.cpp tg | tessera tg | tg ratio | tg % of read bw |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for model in "$@"; do
  rows=()  # one "peer_pp_1 peer_pp_2 own_pp peer_tg_1 peer_tg_2 own_tg fraction" per round
  for ((round = 0; round < rounds; ++round)); do
    read -r peer_pp_1 peer_tg_1 < <(peer_run "$model")
    read -r own_pp own_tg bandwidth fraction < <(tessera_run "$model")
    read -r peer_pp_2 peer_tg_2 < <(peer_run "$model")
    rows+=("$peer_pp_1 $peer_pp_2 $own_pp $peer_tg_1 $peer_tg_2 $own_tg $fraction")
  done
  python3 - "$model" "${rows[@]}" <<'PYTHON'
import os, statistics, sys
name = os.path.basename(sys.argv[1])
rounds = [[float(value) for value in row.split()] for row in sys.argv[2:]]

def column(first_peer, own):
    """The round with the median ratio, shown as peer (first/second) own ratio, plus the ratio range."""
    ratios = [row[own] / ((row[first_peer] + row[first_peer + 1]) / 2) for row in rounds]
    middle = sorted(range(len(rounds)), key=lambda index: ratios[index])[(len(rounds) - 1) // 2]
    row = rounds[middle]
    peer = (row[first_peer] + row[first_peer + 1]) / 2
    text = f"{peer:.1f} ({row[first_peer]:.1f}/{row[first_peer + 1]:.1f}) | {row[own]:.1f} | {ratios[middle]:.2f}"
    if len(rounds) > 1:
        text += f" ({min(ratios):.2f}..{max(ratios):.2f})"
    return text, middle

pp, _ = column(0, 2)
tg, middle = column(3, 5)
print(f"| {name} | {pp} | {tg} | {100 * rounds[middle][6]:.0f}% |")
PYTHON
done
