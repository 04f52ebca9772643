# medians.awk: the median of every metric of every benchmark in `go test
# -bench` output (run with -count 5 or more), as BENCHMARKS.md reports them,
# with the minimum and maximum. A result line split by a log line written
# in the middle of it (gVisor's warnings) is joined again.
#
#	go test -p 1 -run '^$' -bench . -count 5 ./tests/bench/ | awk -f tests/bench/medians.awk
function record(name, first,    i, unit, key) {
	if (!(name in seen)) { seen[name] = 1; order[++nb] = name }
	for (i = first; i < NF; i += 2) {
		unit = $(i + 1)
		key = name SUBSEP unit
		if (!(key in nv)) { units[name, ++nu[name]] = unit }
		vals[key, ++nv[key]] = $i
	}
}
/^Benchmark/ {
	if ($2 ~ /^[0-9]+$/) { record($1, 3); pending = "" } else { pending = $1 }
	next
}
pending != "" && /^[ \t]+[0-9]+[ \t]/ { record(pending, 2); pending = ""; next }
END {
	for (b = 1; b <= nb; b++) {
		name = order[b]
		printf "%s\n", name
		for (u = 1; u <= nu[name]; u++) {
			unit = units[name, u]
			key = name SUBSEP unit
			n = nv[key]
			for (i = 1; i <= n; i++) a[i] = vals[key, i] + 0
			for (i = 2; i <= n; i++) { v = a[i]; for (j = i - 1; j >= 1 && a[j] > v; j--) a[j + 1] = a[j]; a[j + 1] = v }
			med = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
			printf "  %-24s %12.4g  (n=%d, min %.4g, max %.4g)\n", unit, med, n, a[1], a[n]
		}
	}
}
