# bench/lib.sh: what the benchmark scripts share; sourced.  run() needs
# BENCH (the script's name, for messages), TIME (GNU time) and work (the
# script's temporary directory).

# GNU date knows %N (nanoseconds); busybox's does not: wall times then come
# from GNU time, which has only 10 ms
if date +%N | grep -q '^[0-9][0-9]*$'; then
    have_ns=1
else
    have_ns=0
fi

now_ms() {
    if [ "$have_ns" = 1 ]; then
        echo $(( $(date +%s%N) / 1000000 ))
    else
        echo 0
    fi
}

# run LABEL OKCODES STDOUT CMD...: runs CMD under GNU time and appends
# "wall_s rss_kib" to $work/LABEL.runs; CMD's stdout goes to STDOUT, its
# stderr to $work/LABEL.err; an exit status not in OKCODES (a
# space-separated list) stops the benchmark.
run() {
    label=$1 ok=$2 stdout=$3
    shift 3
    t0=$(now_ms)
    if "$TIME" -f '%e %M' -o "$work/time" "$@" >"$stdout" 2>"$work/$label.err"
    then
        rc=0
    else
        rc=$?
    fi
    t1=$(now_ms)
    case " $ok " in
        *" $rc "*) ;;
        *) echo "$BENCH: $label: exit status $rc:" >&2
           tail -n 5 "$work/$label.err" >&2
           exit 1 ;;
    esac
    # after a non-zero exit GNU time writes "Command exited with non-zero
    # status N" first: the numbers are on the last line
    tail -n 1 "$work/time" | awk -v ms=$((t1 - t0)) -v ns="$have_ns" \
        '{ printf "%.3f %d\n", (ns == 1 ? ms / 1000 : $1), $2 }' >>"$work/$label.runs"
}
