#!/usr/bin/env bash
# tessera chat answers turn by turn through a pipe and in a real terminal (tmux), with /reset and /exit.
set -euo pipefail
tessera="$1"; root="$2"
model="$root/models/SmolLM2-135M-Instruct.Q4_1.gguf"
[ -f "$model" ] || { echo "SKIP: $model absent (make model)"; exit 77; }
piped="$(printf 'What is 2+2?\n/reset\nName a color.\n/exit\n' | "$tessera" chat -m "$model" --temp 0 -n 24)"
echo "$piped"
[ "$(echo "$piped" | grep -c .)" -ge 3 ] || { echo "expected two replies and a reset notice"; exit 1; }
echo "$piped" | grep -q "(conversation cleared)" || { echo "no /reset notice"; exit 1; }
echo "$piped" | grep -q "4" || { echo "the first reply does not mention 4"; exit 1; }

command -v tmux > /dev/null || { echo "SKIP: tmux absent"; exit 77; }
session="tessera-chat-$$"
tmux new-session -d -s "$session" -x 160 -y 40 "$tessera chat -m $model --temp 0 -n 24; sleep 30"
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT
wait_for() {
  for _ in $(seq 1 100); do
    tmux capture-pane -p -t "$session" | grep -q "$1" && return 0
    sleep 0.2
  done
  echo "terminal never showed: $1"; tmux capture-pane -p -t "$session"; exit 1
}
wait_for "^>"
tmux send-keys -t "$session" "What is 2+2?" Enter
wait_for "4"
tmux send-keys -t "$session" "/exit" Enter
sleep 0.5
screen="$(tmux capture-pane -p -t "$session")"
echo "$screen"
[ "$(echo "$screen" | grep -c "^>")" -ge 2 ] || { echo "expected a second prompt after the reply"; exit 1; }
echo "cli chat: ok"
