#!/usr/bin/env bash
# Drives the interactive REPL in tmux the way a person would and checks the screen:
# typing, Tab completion (names, `gamma:`, `:` commands), continuation lines, ?help, :commands,
# Ctrl-C at the prompt and during `while true { }`, Ctrl-D, and history across restarts.
#
#   Scripts/repl_smoke.sh [PATH/TO/loss]     (default: .build/debug/loss; needs tmux)
#
# Prints each check as ok/FAIL, the final screens with -v, and "N passed, M failed"; exits 1 on
# any failure.
set -u
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/loss}
VERBOSE=${VERBOSE:-0}
[ "${2:-}" = "-v" ] && VERBOSE=1
command -v tmux >/dev/null || { echo "repl_smoke: tmux is not installed"; exit 2; }
[ -x "$BIN" ] || { echo "repl_smoke: no executable at $BIN (swift build first)"; exit 2; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

WORK=$(mktemp -d)
HIST="$WORK/history"
SOCK=
S=smoke
pass=0; fail=0; runs=0
cleanup() { for s in "$WORK"/tmux*.sock; do [ -S "$s" ] && tmux -S "$s" kill-server 2>/dev/null; done; rm -rf "$WORK"; }
trap cleanup EXIT

t() { tmux -S "$SOCK" "$@"; }
start() {  # a new tmux server (own socket) running the REPL
    [ -n "$SOCK" ] && t kill-server 2>/dev/null
    runs=$((runs + 1)); SOCK="$WORK/tmux$runs.sock"
    t new-session -d -s $S -x 120 -y 50 "cd '$WORK' && LOSS_HISTORY='$HIST' '$BIN'; echo \"[exit \$?]\"; sleep 600"
    sleep 0.5
    wait_for "loss\[1\]> " || { echo "repl_smoke: the REPL did not start"; screen; exit 1; }
}
screen() { t capture-pane -p -J -t $S -S -200; }
keys() { t send-keys -t $S "$@"; }
# type literally (no key names)
type_() { t send-keys -t $S -l "$1"; }
# clear the screen and the scrollback (readline redraws the prompt) so that checks see only
# what the next input shows
fresh() { keys C-l; sleep 0.2; t clear-history; }
# enter one line at a clean screen
line() { fresh; type_ "$1"; keys Enter; }
# wait until the screen matches an extended regex (up to 10 s)
wait_for() {
    for _ in $(seq 1 100); do
        screen | grep -Eq -- "$1" && return 0
        sleep 0.1
    done
    return 1
}
check() {  # check NAME REGEX : the screen (eventually) matches
    if wait_for "$2"; then pass=$((pass + 1)); echo "ok   $1"
    else fail=$((fail + 1)); echo "FAIL $1 (no match for /$2/)"; screen | tail -15 | sed 's/^/     | /'; fi
}
check_not() {  # check_not NAME REGEX : the screen does not match (after a short settle)
    sleep 0.4
    if screen | grep -Eq -- "$2"; then fail=$((fail + 1)); echo "FAIL $1 (unexpected /$2/)"; screen | tail -15 | sed 's/^/     | /'
    else pass=$((pass + 1)); echo "ok   $1"; fi
}
# the current (last non-empty) line of the screen
current_line() { screen | grep -v '^[[:space:]]*$' | tail -1; }
check_line() {  # check_line NAME REGEX : the line being edited matches
    local line
    for _ in $(seq 1 50); do
        line=$(current_line)
        echo "$line" | grep -Eq -- "$2" && { pass=$((pass + 1)); echo "ok   $1"; return; }
        sleep 0.1
    done
    fail=$((fail + 1)); echo "FAIL $1: line is '$line', expected /$2/"
}

start
# --- a value, and the numbered prompts
line 'focal([0.9,0.2],[1,0],gamma:2)'
check "displays a value" '^0\.00498967$'
check "the prompt number advances" 'loss\[2\]> $'

# --- Tab completion of a keyword parameter: focal(p, y, ga<TAB> -> gamma:
line 'p = [0.9, 0.2]'
check "assignment shows nothing" 'loss\[3\]> $'
fresh; type_ 'focal(p, [1, 0], ga'; keys Tab
check_line "Tab completes gamma: inside a call" 'focal\(p, \[1, 0\], gamma: $'
line '2)'
check "the completed call runs" '^0\.00498967$'

# --- Tab completion of a name
fresh; type_ 'sigm'; keys Tab
check_line "Tab completes a built-in name" 'loss\[[0-9]+\]> sigmoid$'
line '(0)'
check "sigmoid(0)" '^0\.5$'
line 'my_long_name = 7'
fresh; type_ 'my_lo'; keys Tab
check_line "Tab completes a user name" '> my_long_name$'
keys Enter
check "user name value" '^7$'

# --- Tab completion of a : command
fresh; type_ ':he'; keys Tab
check_line "Tab completes a : command" '> :help $'
keys C-u

# --- continuation lines
line 'q = focal([0.9, 0.2],'
check "continuation prompt" '^ +\.\.\.> $'
line '[1, 0], gamma: 2)'
line 'q'
check "a continued statement runs" '^0\.00498967$'

# --- help and commands
line '?focal'
check "?focal shows help" 'focal\(p, y, gamma: 2'
line '?focl'
check "?unknown suggests" "did you mean 'focal'"
line ':vars'
check ":vars lists user bindings" '^my_long_name +'
line ':time sum(range(0, 1000))'
check ":time prints the wall time" 'Wall time: [0-9.]+ (ns|µs|ms|s)$'
line ':precision 3'
line 'pi'
check ":precision 3" '^3\.14$'
line ':precision 6'
line ':frobnicate'
check "unknown : command" "unknown command ':frobnicate'"
line ':save session.loss'
check ":save" 'saved [0-9]+ inputs? to session\.loss'

# --- errors keep the session
line 'focal(p, [1, 0, 1])'
check "an error is rendered with a caret" '\^\^\^'
line 'p'
check "bindings survive an error" '^\[0\.9, 0\.2\]$'

# --- Ctrl-C at the prompt clears the line
fresh; type_ 'this is not run'; keys C-c
check "Ctrl-C shows ^C" 'this is not run\^C$'
check_line "Ctrl-C gives a fresh prompt" 'loss\[[0-9]+\]> $'
# Ctrl-C during a continuation drops the buffer
line 'z = [1,'
check "continuation before Ctrl-C" '\.\.\.> $'
keys C-c
check_line "Ctrl-C in a continuation returns to the main prompt" 'loss\[[0-9]+\]> $'
line 'z'
check "the dropped statement did not run" "unknown name 'z'|name 'z'"

# --- Ctrl-C during a running statement; bindings intact
line 'n = 0'
line 'while true { n = n + 1 }'
sleep 1
keys C-c
check "Ctrl-C interrupts a running statement" 'error: interrupted'
check_line "back at the prompt after the interrupt" 'loss\[[0-9]+\]> $'
line 'n > 0'
check "bindings intact after the interrupt" '^true$'
line 'p'
check "earlier bindings intact after the interrupt" '^\[0\.9, 0\.2\]$'

# --- Ctrl-D exits 0
keys C-d
check "Ctrl-D exits with status 0" '^\[exit 0\]$'

# --- history across restarts
if grep -qx 'p = \[0.9, 0.2\]' "$HIST" && ! grep -qx '' "$HIST"; then pass=$((pass + 1)); echo "ok   history has the lines, no empty ones"
else fail=$((fail + 1)); echo "FAIL history file content:"; sed 's/^/     | /' "$HIST"; fi
start
keys Up
check_line "history: Up recalls the last line of the previous session" '> p$'
keys C-u
fresh; keys C-r; type_ 'sigm'
check "history: reverse search finds an earlier line" "reverse-i-search.*sigm.*: sigmoid\(0\)"
keys C-g C-u
fresh; type_ 'w = load("sess'; keys Tab
check_line "Tab completes a file name inside a string" 'load\("session\.loss"$'
keys C-u
fresh; type_ ':load sess'; keys Tab
check_line "Tab completes a file name after :load" ':load session\.loss ?$'
keys C-u
line ':load session.loss'
check ":load runs a saved script" 'loss\[2\]> $'
line 'my_long_name'
check ":load restored the bindings" '^7$'
line ':quit'
check ":quit exits with status 0" '^\[exit 0\]$'

[ "$VERBOSE" = 1 ] && screen
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
