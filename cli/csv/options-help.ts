// The --help text of the CSV meter-export options (options.ts), shared by
// every command that reads an export (score, features, diff, list).

/** The help text of the CSV options, the same in both commands. */
export const WIDE_CSV_HELP = `Meter exports (wide CSV: a header line, then one row per timestamp; the
first column is the timestamp, every other column a consumer, its name the id):
      --format F           wide-csv: read --input as a wide CSV whatever its
                           name (.csv and .tsv names are); long-csv (below);
                           json, protobuf
      --unit U             required for a CSV: kw (average power over each
                           interval), kwh or wh (energy per interval, turned into
                           average power: kW = kWh × 60 ÷ interval minutes)
      --interval MINUTES   60, 30, 15 or 5 (24, 48, 96, 288 points a day);
                           default: the most common step between timestamps
      --time-column NAME   the timestamp column; default: the first (long CSV:
                           a column named timestamp, else the second)
      --id-column NAME     long CSV: the consumer id column; default: a column
                           named id, else the first
      --value-column NAME  long CSV: the reading column; default: a column
                           named value, else the third
      --preset lcl         long CSV of the London LCL export: columns LCLid,
                           tstp, energy(kWh/hh), --unit kwh, --interval 30
      --separator S        , ; or tab; default: the one of the header line
      --decimal-comma      read 1,5 as 1.5 (always so when the separator is ;);
                           a cell with a dot (1.000) is then a missing reading
      --tz ZONE            an IANA time zone (Europe/London): timestamps with Z
                           or an offset become ZONE's clock time; needed when
                           there are any
      --source-tz ZONE     the zone of timestamps written without Z or an
                           offset (default: they are clock times as written);
                           needs --tz, the clock they are turned into. A time
                           in ZONE's repeated autumn hour, or in its skipped
                           spring hour, is read with the offset before the
                           change (both counted in the report)
      --label L            what a timestamp labels: start (default) the
                           interval starting at it, middle the interval
                           centred on it (00:15 for 00:00-00:30), end the
                           interval ending at it (00:00 of a day is the last
                           reading of the day before)
      --from DATE          keep the days from DATE (YYYY-MM-DD) on
      --to DATE            keep the days up to DATE (YYYY-MM-DD, included)
      --category WORD      every consumer's category: residential, commercial,
                           industrial, agricultural, other (any case; or
                           CATEGORY_…; or 居民/住宅, 商业, 工业, 农业, 其他); with
                           --accounts, only for consumers it gives none
      --zone WORD          every consumer's zone: residential_area,
                           industrial_park, commercial_area, rural, other (any
                           case, spaces or hyphens for _; or ZONE_…; or 居住区,
                           工业园区, 商业区, 农村, 其他); with --accounts as above
      --accounts FILE      the consumers' account data, a CSV (or .gz; - for
                           standard input) with a header line, joined on the id
                           (below)
      --report-json FILE   also write the data-quality report as JSON
  Timestamps are local clock times as written (YYYY-MM-DD HH:MM[:SS], or with
  T); with Z or an offset they need --tz (without it, under 1 % of them are
  skipped as unreadable, more refuse the file). The window runs from the first day to the last (400 days at most) of
  the main stretch of days with rows (a gap of over 31 days without rows
  separates stretches; the main one has most rows). Rows of other stretches
  are stray timestamps (a meter reset to 1970, a typo year), skipped and
  counted, while they are under 1 % of the rows; more, and the batch fails
  naming the stretches: choose one with --from/--to (then none is stray).
  Timestamps nine in ten of which sit at one phase off the clock's grid (:15
  and :45 at 30 minutes; a few elsewhere do not matter) fail unless --label
  says what they label, or name --tz when its offset from UTC is the phase
  (Asia/Kathmandu, +05:45, with hourly UTC readings). A row
  whose timestamp is off the grid is dropped; of rows with the same timestamp
  the first is kept; a missing timestamp is a missing reading, and so is a
  cell that is not a number (empty, NA, null, …); negative numbers are kept as
  sent. A file is read as UTF-8: an id or column name that is not (a
  Windows-1252 Müller) refuses it; convert with iconv -f windows-1252 -t utf-8.
  A data-quality report goes to stderr at the end.
Long CSV (one row per consumer and timestamp: id,timestamp,value): chosen by
  --format long-csv or --preset, or for a .csv whose header is exactly the
  three columns id, timestamp and value (any case). The rows of a consumer
  must come together (timestamps within it in any order); the file is read
  twice (days, interval and consumers first), one consumer in memory at a time.
  Sort a file first, keeping its header line, with
    (head -n1 f.csv; tail -n+2 f.csv | sort -t, -k1,1 -s) > sorted.csv
  Without --interval, the interval is the most common step within consumers.
  With --unit kwh or wh, a consumer whose own most common step is another
  interval (over a day of readings) has all readings missing (GRAY), counted
  in the report; a wide file whose interval changes is refused instead.
Accounts file (--accounts): one row per consumer, columns named in the header
  line in any case and order (separator , ; or tab, as sniffed): id (required),
  category, zone, capacity_kw (or capacity), group, baseline_kw (or baseline),
  watch, since, district; other columns are ignored and named in the report.
  Words as for --category and --zone; watch: rectified, closed, restricted,
  cleared, none (any case; or WATCH_STATUS_…). capacity_kw, baseline_kw: kW
  (decimal comma when the separator is ;). since: YYYY-MM-DD as written (a
  watched consumer whose since is no calendar date is GRAY). An unknown word
  or an unreadable number leaves that field unknown for that consumer and is
  counted; of rows with the same id the first is kept. A consumer with no
  account row has an unspecified category and zone whatever --category and
  --zone say (its result's note says which rules could not fire); they fill
  empty cells only. Consumers with no row and rows with no consumer are
  counted in the report. Groups may come in any order up to 200,000 consumers
  (GRIDCODE_FILE_COHORT_LIMIT); a bigger export lists each group's consumers
  together (columns of a wide CSV, consumers of a long one).`;
