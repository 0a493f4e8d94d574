#!/usr/bin/env bash
# Brings up saferd with a demo partnership, so that a first look at Safer
# shows a board at work rather than an empty database. Called by
# deploy/quickstart.sh after the build; it can be run alone once ./build holds
# saferd and safer.
#
# With a fresh data folder it:
#   1. initialises it for the invented "Riverside Community Safety
#      Partnership" and starts `saferd run` in the background on 127.0.0.1;
#   2. enrols a cast of invented people, each with their own SAFER_HOME under
#      DATA/demo/homes/INITIALS: an admin, the chair, a partnership officer,
#      a lead for each agency and two members;
#   3. adds the agencies, the four task groups, three past meetings (the
#      leads' figures for each, so that the pack has charts; the last with
#      its attendance, minutes and actions), and an upcoming meeting whose
#      leads submit their papers (deploy/demo/papers/*.md): one late, one
#      missing, one revised and one restricted. To make one paper late
#      without waiting for a deadline, the demo moves dates back in its own
#      fresh database with sqlite3 (see "moves the clock back" below);
#   4. publishes the upcoming meeting's pack, pulls it signed as the chair in
#      PDF and HTML into DATA/demo/pack/ and verifies both;
#   5. prints where everything is, then keeps saferd in the foreground until
#      Ctrl-C, or with SAFER_DEMO_ONESHOT=1 stops it cleanly and exits 0.
# Every command's output goes to DATA/demo/transcript.txt.
#
# If the data folder already holds a database the demo is skipped and saferd
# just serves it.
#
#   SAFER_DATA          data folder (default ./data)
#   SAFER_LISTEN        listen address (default 127.0.0.1:7443; the demo
#                       needs a 127.0.0.1 address)
#   SAFER_DEMO_ONESHOT  1: stop saferd after the demo instead of serving
#   SAFER_BUILD_DIR     where saferd and safer were built (default ./build)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

build=$(realpath -m "${SAFER_BUILD_DIR:-build}")
saferd=$build/server/saferd
safer=$build/client/safer
papers=$root/deploy/demo/papers
data=$(realpath -m "${SAFER_DATA:-./data}")
listen=${SAFER_LISTEN:-127.0.0.1:7443}
oneshot=${SAFER_DEMO_ONESHOT:-0}

# Each command is bounded: the client by its own timeout, and by this one if
# the server stops answering altogether.
export SAFER_TIMEOUT_MS=20000
cmd_timeout=60
start_timeout=15
stop_timeout=15

demo=$data/demo
homes=$demo/homes
transcript=$demo/transcript.txt
log=$demo/saferd.log
pid=

die() {
    echo "demo: $*" >&2
    exit 1
}

for exe in "$saferd" "$safer"; do
    [ -x "$exe" ] || die "$exe is missing: build first (bash deploy/quickstart.sh)"
done

# A demo that stopped half-way (a busy port, a failed step) leaves a
# partnership without its people or pack: say so rather than serve it.
if [ -e "$data/safer.db" ] && [ -d "$demo" ] && [ ! -e "$demo/complete" ]; then
    die "$data holds a demo whose setup did not finish (see $transcript); remove $data and run again"
fi

# An existing partnership is served as it is: the demo never touches it.
if [ -e "$data/safer.db" ]; then
    if [ "$oneshot" = 1 ]; then
        echo "demo: $data already holds a database; nothing to do"
        exit 0
    fi
    echo "demo: $data already holds a database; serving it (Ctrl-C stops)"
    if [ -n "${SAFER_LISTEN:-}" ]; then
        exec "$saferd" run "$data" --listen "$listen"
    fi
    exec "$saferd" run "$data"
fi

case $listen in
127.0.0.1:*) ;;
*) die "the demo listens on 127.0.0.1 only, not $listen (deploy/install.sh serves other addresses)" ;;
esac

# ---- the server ---------------------------------------------------------------

# Stops saferd with SIGTERM, waiting a bounded time for its clean exit.
stop_server() {
    local i rc=0
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < stop_timeout * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "demo: saferd did not stop in ${stop_timeout}s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" || rc=$?
    pid=
    return "$rc"
}

# shellcheck disable=SC2317 # called by the EXIT trap
on_exit() {
    local rc=$?
    if [ -n "$pid" ]; then
        stop_server || true
    fi
    if [ "$rc" -ne 0 ] && [ -e "$log" ]; then
        echo "demo: failed; the server's log ($log) ends:" >&2
        tail -n 5 "$log" >&2
    fi
}
trap on_exit EXIT

# Starts saferd in the background and waits for its listening line.
start_server() {
    local i
    "$saferd" run "$data" --listen "$listen" >>"$log" 2>&1 &
    pid=$!
    for ((i = 0; i < start_timeout * 10; i++)); do
        grep -q "listening on $listen" "$log" && return 0
        kill -0 "$pid" 2>/dev/null || die "saferd exited during start"
        sleep 0.1
    done
    die "saferd did not start listening on $listen within ${start_timeout}s"
}

# ---- running the client as someone -------------------------------------------

out=

# Runs safer as the person with these initials, keeping its output in $out
# and in the transcript; on failure shows it and stops the demo.
as() {
    local who=$1 rc=0
    shift
    {
        printf '\n$ SAFER_HOME=%s safer' "demo/homes/$who"
        printf ' %q' "$@"
        printf '\n'
    } >>"$transcript"
    out=$(SAFER_HOME=$homes/$who timeout "$cmd_timeout" "$safer" "$@" 2>&1) || rc=$?
    printf '%s\n' "$out" >>"$transcript"
    if [ "$rc" -ne 0 ]; then
        echo "demo: 'safer $*' as $who failed (exit $rc):" >&2
        printf '%s\n' "$out" >&2
        exit 1
    fi
}

# The invite on its own line in $out.
invite_of() {
    grep -m1 -o '^safer://[^[:space:]]*' <<<"$out" || die "no invite in: $out"
}

enrol() {
    local who=$1 invite=$2
    mkdir -m 700 "$homes/$who"
    as "$who" enrol "$invite"
}

# Adds a person as the admin and enrols them with the invite printed.
person() {
    local who=$1 name=$2 agency=$3 roles=$4
    as AB admin person add "$who" --name "$name" --agency "$agency" --role "$roles"
    enrol "$who" "$(invite_of)"
}

# Submits a paper: as, date, group, file (in deploy/demo/papers), title, RAG
# and any further options.
paper() {
    local who=$1 date=$2 group=$3 file=$4 title=$5 rag=$6
    shift 6
    as "$who" report submit "$date" "$group" "$papers/$file" --title "$title" --rag "$rag" "$@"
}

# ---- dates --------------------------------------------------------------------

day() { date -u -d "$1" +%F; }
today=$(day today)
first=$(day "$today -168 days")
second=$(day "$today -112 days")
past=$(day "$today -56 days")
past_deadline=$(day "$past -7 days")
next=$(day "$today +7 days")
yesterday=$(day "$today -1 day")

# ---- 1. initialise and serve ---------------------------------------------------

echo "demo: initialising $data for the Riverside Community Safety Partnership"
out=$("$saferd" init "$data" --listen "$listen" \
    --partnership "Riverside Community Safety Partnership" \
    --admin-initials AB --admin-name "Alex Brennan" \
    --agency council --agency-name "Riverside Borough Council")
admin_invite=$(invite_of)
mkdir -m 700 "$demo" "$homes"
printf '$ saferd init DATA ...\n%s\n' "$out" >"$transcript"

start_server
echo "demo: saferd is listening on $listen (log: $log)"

# ---- 2. agencies and people ----------------------------------------------------

enrol AB "$admin_invite"
as AB admin agency add police "Riverside and Vale Police"
as AB admin agency add fire "Vale Fire and Rescue Service"
as AB admin agency add probation "Probation Service, Riverside"
as AB admin agency add housing "Riverside Homes Trust"
as AB admin agency add yjs "Riverside Youth Justice Service"
as AB admin agency add health "Riverside Integrated Care Board"
as AB admin agency add faith "Riverside Faith Forum"

person HW "Helen Whitford" council chair
person NF "Nadia Farooq" council admin,member
person OP "Cllr Owen Pryce" council member
person TO "Tom Okafor" council lead
person RL "Rachel Lund" police lead
person CM "Callum Moss" fire lead
person JE "Joanne Ellery" probation lead
person BK "Bilal Khan" housing lead
person GP "Grace Pemberton" yjs lead
person LT "Lena Thorsen" health lead
person RA "Rev Ruth Ashworth" faith member
echo "demo: enrolled 12 people, each with a key under $homes"

# ---- 3. task groups and meetings -----------------------------------------------

as HW group add alcohol "Alcohol Harm Reduction" --agencies council,health
as HW group add crime-asb "Crime, ASB and Partnership Tasking" \
    --agencies council,police,fire,housing,yjs
as HW group add domestic-abuse "Domestic Abuse" --agencies police,probation
as HW group add substance-misuse "Substance Misuse" --agencies probation,health

# Two earlier meetings, each with the leads' quarterly figures, give the
# pack's charts their history. Approving the minutes at a meeting approves
# those of the meeting before it.
# The leads' quarterly figures for the meeting of DATE, one value per series.
figures() {
    local date=$1 who group metric
    shift
    set -- TO alcohol "Test purchases=$1/12" LT alcohol "Admissions=$2/170" \
        RL crime-asb "ASB incidents=$3/1300" CM crime-asb "Deliberate secondary fires=$4/70" \
        JE domestic-abuse "Programme starts=$5/24" LT substance-misuse "Treatment starts=$6/160"
    while [ $# -gt 0 ]; do
        who=$1 group=$2 metric=$3
        shift 3
        paper "$who" "$date" "$group" earlier-quarter.md "Quarterly figures" amber --metric "$metric"
    done
}
for date in "$first" "$second"; do
    as HW meeting add "$date" --time 10:00 --venue "Committee Room 2, Riverside Town Hall" \
        --deadline "$(day "$date -7 days")"
    as HW minutes set "$date" 3 \
        --text "The minutes of the previous meeting were agreed as a true and accurate record."
done
figures "$first" 9 214 1420 58 12 171
figures "$second" 11 201 1335 74 15 150
as HW minutes approve "$second"

# The past meeting: who came, what was said and who will do what.
as HW meeting add "$past" --time 10:00 --venue "Committee Room 2, Riverside Town Hall" \
    --deadline "$past_deadline"
as HW meeting agenda add "$past" "Police and Crime Commissioner funding"
for who in HW OP NF TO RL CM JE GP RA; do
    as HW attendance "$past" "$who" --present
done
as HW attendance "$past" BK --apologies --substitute "Maria Delgado"
as HW attendance "$past" LT --apologies

minutes() { as HW minutes set "$past" "$1" --text "$2"; }
minutes 1 "The chair welcomed members and introduced Grace Pemberton, the new head of the Youth Justice Service."
minutes 2 "Apologies were received from Bilal Khan (Maria Delgado attended for Riverside Homes Trust) and Lena Thorsen."
minutes 3 "The minutes of the previous meeting were agreed as a true and accurate record. Matters arising: contact with the Police and Crime Commissioner's office is still irregular; the chair will write proposing a standing invitation to this board."
minutes 4 "Report noted. Test purchasing and the schools programme are on track. No concerns raised."
minutes 5 "Report noted. The portfolio holder felt that monthly tasking meetings let issues go cold; it was agreed that TO will brief him monthly instead of adding a meeting. Fire and police figures on deliberate fires do not yet match."
minutes 6 "Report noted. Members discussed the small number of repeat perpetrators behind many incidents; RL and JE will scope a programme with neighbouring areas."
minutes 7 "Report noted. Hot spots on the canal towpath were identified with the police."
minutes 8 "Information items noted. Partners were asked to comment on the revised Prevent referral arrangements."
minutes 9 "Funding for next year is unchanged. The Commissioner now asks for quarterly returns on funded projects; these will also come to this board."
minutes 10 "None."
minutes 11 "The next meeting will be held on $next at 10:00 in Committee Room 2."

as HW action add "$past" --item 3 --owner HW --due "$(day "$past +28 days")" \
    "Write to the Police and Crime Commissioner proposing a standing invitation to this board"
as HW action add "$past" --item 5 --owner TO --due "$(day "$past +35 days")" \
    "Brief the portfolio holder monthly on partnership tasking outcomes"
as HW action add "$past" --item 5 --owner CM/RL --due "$next" \
    "Match fire and police data on deliberate fires"
as HW action add "$past" --item 6 --owner RL/JE --due "$next" \
    "Scope a programme for repeat domestic abuse perpetrators with neighbouring areas"
as HW action add "$past" --item 8 --owner ALL --due "$(day "$past +21 days")" \
    "Send comments on the revised Prevent referral arrangements to the partnership officer"
as HW action add "$past" --item 9 --owner HW/TO --due "$next" \
    "Bring the quarterly returns to the Commissioner to this board"
figures "$past" 12 195 1290 81 16 148
as HW minutes approve "$past"
as HW action update 1 --status "done" --note "Letter sent; the Commissioner's deputy will attend twice a year."
as TO action update 2 --status "done" --note "Monthly briefing in place since the last meeting."

# The upcoming meeting. Its deadline starts on the meeting day so that the
# papers below go in on time.
as HW meeting add "$next" --time 10:00 --venue "Committee Room 2, Riverside Town Hall" \
    --deadline "$next"
as HW meeting agenda add "$next" "Serious violence duty: presentation by the police"
echo "demo: four task groups, three meetings held (the last on $past) and one upcoming on $next"

# ---- 4. the leads' papers ------------------------------------------------------

paper TO "$next" alcohol alcohol-council.md "Alcohol harm reduction: council update" green \
    --metric "Test purchases=14/12" --metric "Licence reviews=3"
paper LT "$next" alcohol alcohol-health.md "Alcohol-related admissions" amber \
    --metric "Admissions=188/170" --metric "Brief interventions=412/500"
paper TO "$next" crime-asb crime-asb-council-v1.md "Community safety team update (draft)" amber
paper RL "$next" crime-asb crime-asb-police.md "Neighbourhood policing and ASB" green \
    --metric "ASB incidents=1240/1300" --metric "Closure orders=4"
paper BK "$next" crime-asb crime-asb-housing.md "Tenancy enforcement and mediation" green \
    --metric "Tenancy warnings=38" --metric "Cases closed within 28 days=81/75"
paper RL "$next" domestic-abuse domestic-abuse-police.md "Domestic abuse: police update" red \
    --metric "MARAC referrals=64/60" --marking official-sensitive --restrict probation
paper JE "$next" domestic-abuse domestic-abuse-probation.md "Perpetrator programme" amber \
    --metric "Programme starts=18/24"
paper JE "$next" substance-misuse substance-misuse-probation.md "Drug rehabilitation requirements" green \
    --metric "Requirements started=31/30"
paper LT "$next" substance-misuse substance-misuse-health.md "Treatment and harm reduction" amber \
    --metric "Treatment starts=142/160" --metric "Naloxone kits issued=220"
# The council's tasking paper is revised before the deadline.
paper TO "$next" crime-asb crime-asb-council.md "Community safety team update" amber \
    --metric "ASB reports to the council=198/220" --metric "Community Protection Notices=4"

# The demo cannot wait for deadlines to pass, so it moves the clock back in
# its own fresh database: the earlier meetings' figures are dated two days
# before their deadlines, the upcoming meeting's deadline becomes yesterday
# and the papers above are dated two days earlier. Fire's paper then arrives
# late, and youth justice never sends its return.
sqlite3 -cmd ".timeout 10000" "$data/safer.db" \
    "UPDATE report_versions SET late = 0, submitted =
         (SELECT CAST(strftime('%s', m.deadline) AS INTEGER) - 2 * 86400 + 36000 FROM reports r
          JOIN meetings m ON m.id = r.meeting_id WHERE r.id = report_versions.report_id)
         WHERE report_id IN (SELECT r.id FROM reports r
          JOIN meetings m ON m.id = r.meeting_id WHERE m.date < '$today');
     UPDATE meetings SET deadline = '$yesterday' WHERE date = '$next';
     UPDATE report_versions SET submitted = submitted - 2 * 86400 WHERE report_id IN
         (SELECT r.id FROM reports r JOIN meetings m ON m.id = r.meeting_id WHERE m.date = '$next');"
paper CM "$next" crime-asb crime-asb-fire.md "Deliberate secondary fires" red \
    --metric "Deliberate secondary fires=96/70" --metric "Fire setter referrals=4"
as HW returns "$next"
echo "demo: 10 papers in for $next (one late, one revised, one restricted; youth justice's is missing)"

# ---- 5. the pack ---------------------------------------------------------------

as HW pack publish "$next"
pack=$demo/pack
mkdir -m 700 "$pack"
for fmt in pdf html; do
    (cd "$pack" && as HW pack pull "$next" --format "$fmt")
    (cd "$pack" && as HW pack verify "pack-$next-e1.$fmt")
done
echo "demo: published edition 1 of the pack for $next and pulled it signed"

# ---- 6. summary ------------------------------------------------------------------

: >"$demo/complete"

cat <<EOF

Safer demo: the Riverside Community Safety Partnership (all names invented).
  server       saferd on $listen, data in $data
  log          $log
  pack         $pack/pack-$next-e1.pdf and .html, each with a .sig
  the chair    SAFER_HOME=$homes/HW
  transcript   $transcript (every command the demo ran, with its output)

Try, as the chair:
  export SAFER_HOME=$homes/HW PATH=$build/client:\$PATH
  safer meeting show $next
  safer returns $next
  safer action list --open
Everyone's SAFER_HOME is $homes/INITIALS:
  AB admin, HW chair, NF partnership officer (admin), OP and RA members,
  leads TO (council), RL (police), CM (fire), JE (probation), BK (housing),
  GP (youth justice), LT (health).
EOF

if [ "$oneshot" = 1 ]; then
    stop_server
    echo "demo: saferd stopped (SAFER_DEMO_ONESHOT=1)"
    exit 0
fi

# Ctrl-C reaches saferd too, being in this script's process group: it is given
# the time to stop by itself before it is sent SIGTERM.
# shellcheck disable=SC2317 # called by the INT trap
interrupted() {
    local i
    for ((i = 0; i < stop_timeout * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    stop_server
}

# Serves until Ctrl-C: the log is shown as it grows, and SIGINT or SIGTERM to
# this script stops saferd cleanly.
echo
echo "saferd is serving in the foreground; Ctrl-C stops it."
tail -n 0 -f "$log" --pid="$pid" &
trap 'interrupted; exit $?' INT
trap 'stop_server; exit $?' TERM
rc=0
wait "$pid" || rc=$?
pid=
exit "$rc"
