(ns datomic-buildpack.metrics
  "Datomic metrics callback shipped by the Heroku buildpack for Datomic.

  Datomic calls `handler` about once a minute with a map of metric name (keyword) to a number,
  or to a map {:lo :hi :sum :count} of the interval's values. `lines` turns such a map into
  l2met/logfmt lines that Heroku's log stream and its drains (Librato, Datadog, ...) read:

    source=transactor.1 role=active sample#datomic.AvailableMB=812MB ...

  - A number becomes `sample#datomic.NAME=VALUE`; a {:sum :count :hi} map becomes
    `sample#datomic.NAME.avg` (sum/count), `sample#datomic.NAME.max` (hi) and
    `count#datomic.NAME.count`. Units follow the name: ...Msec -> ms, ...MB -> MB,
    ...Bytes -> bytes. Names Datomic adds later pass through the same way.
  - l2met reads digits with one optional dot: a value that is negative, NaN, infinite or not a
    number is left out (never clamped: a made-up 0 would look like a real reading). Decimals are
    rounded to 3 places, never written with an exponent.
  - role=active when the map holds HeartbeatMsec (the active transactor), role=standby when it
    holds HeartMonitorMsec (a standby); no role otherwise (a peer, or a transactor's first report,
    made before its first heartbeat).
  - An alarm (Alarm, Alarm<Kind>) with a count above 0 also gets a warning line a log alert can
    match: `... at=warn datomic.alarm=AlarmIndexingJobFailed count=1 msg=\"Datomic alarm ...\"`.
  - At most 20 measurements a line, names sorted, so lines stay short and comparable.
  - A metric whose name or value cannot be read (its code throws, an Error included) is left out
    and the rest of the report is printed; one line on stderr says how many were left out."
  (:require [clojure.string :as str])
  (:import (java.io PrintStream)
           (java.math BigDecimal RoundingMode)))

(set! *warn-on-reflection* true)

(def ^:const per-line
  "Measurements on one line at most."
  20)

(defn metric-name
  "The metric's name as l2met may carry it: letters, digits, `_`, `.` and `-` (others become `_`)."
  ^String [k]
  (let [n (if (keyword? k)
            (if-let [ns (namespace k)] (str ns "_" (name k)) (name k))
            (str k))]
    (str/replace n #"[^A-Za-z0-9_.\-]" "_")))

(defn unit
  "The unit a metric's name says: `ms`, `MB`, `bytes`, or \"\"."
  ^String [^String n]
  (cond
    (str/ends-with? n "Msec") "ms"
    (str/ends-with? n "MB") "MB"
    (str/ends-with? n "Bytes") "bytes"
    :else ""))

(defn- decimal
  "x as a BigDecimal, or nil when it is not a finite number."
  ^BigDecimal [x]
  (cond
    (integer? x) (bigdec x)
    (decimal? x) x
    (number? x) (let [d (double x)]
                  (when-not (or (Double/isNaN d) (Double/isInfinite d))
                    (BigDecimal/valueOf d)))
    :else nil))

(defn number-text
  "x as l2met reads a number (digits, one optional dot, at most 3 decimals), or nil when x is
  negative, NaN, infinite or not a number."
  ^String [x]
  (if (instance? Long x)
    (when-not (neg? (long x)) (Long/toString (long x)))
    (when-let [d (decimal x)]
      (when-not (neg? (.signum d))
        (.toPlainString (.stripTrailingZeros (.setScale d 3 RoundingMode/HALF_UP)))))))

(defn- measurement
  "`kind#datomic.NAME=VALUEunit`, or nil when the value is left out."
  [kind n value u]
  (when-let [v (number-text value)]
    (str kind "#datomic." n "=" v u)))

(defn- summary?
  [v]
  (and (map? v) (or (contains? v :count) (contains? v :sum) (contains? v :hi))))

(defn measurements
  "The l2met measurements of one metric, named `n` (see metric-name)."
  [^String n v]
  (let [u (unit n)]
    (cond
      (number? v) (keep identity [(measurement "sample" n v u)])
      (summary? v) (let [{:keys [sum hi] c :count} v
                         avg (when (and (number? sum) (number? c) (pos? (double c)))
                               (/ (double sum) (double c)))]
                     (keep identity [(measurement "sample" (str n ".avg") avg u)
                                     (measurement "sample" (str n ".max") hi u)
                                     (measurement "count" (str n ".count") c "")]))
      :else ())))

(defn role
  "active, standby, or nil when the map does not tell."
  [metrics]
  (cond
    (contains? metrics :HeartbeatMsec) "active"
    (contains? metrics :HeartMonitorMsec) "standby"
    :else nil))

(defn- alarm-count
  "How many times an alarm fired in the interval (a number, or a summary's count or sum)."
  [v]
  (let [n (cond (number? v) v
                (map? v) (or (:count v) (:sum v))
                :else nil)]
    (when (and (number? n) (pos? (double n))) n)))

(defn- prefix
  [source r]
  (str/join " " (cond-> []
                  source (conj (str "source=" (str/replace source #"[\s=\"]" "_")))
                  r (conj (str "role=" r)))))

(defn- line
  [pre parts]
  (str/join " " (if (str/blank? pre) parts (cons pre parts))))

(defn- readable
  "Each metric of the report as [name measurements alarm-count], computed eagerly; a metric whose
  name or value cannot be read (its code throws, even an Error: a key nested too deep to print,
  a Number whose doubleValue throws) is left out, so it costs its own measurements only, never
  the rest of the minute's report. Returns [metrics left-out-count]."
  [metrics]
  (reduce (fn [[ok bad] [k v]]
            (let [m (try
                      (let [n (metric-name k)]
                        [n (doall (measurements n v)) (some-> (alarm-count v) number-text)])
                      (catch Throwable _ nil))]
              (if m [(conj ok m) bad] [ok (inc bad)])))
          [[] 0]
          metrics))

(defn lines
  "The lines to print for one report of `metrics` from dyno `source` (nil: no source)."
  [metrics source]
  (let [metrics (if (map? metrics) metrics {})
        pre (prefix source (try (role metrics) (catch Throwable _ nil)))
        [ok _] (readable metrics)
        sorted (sort-by first ok)
        parts (mapcat second sorted)
        alarms (for [[^String n _ c] sorted
                     :when (and c (str/starts-with? n "Alarm"))]
                 (line pre [(str "at=warn datomic.alarm=" n) (str "count=" c)
                            (str "msg=\"Datomic alarm " n ": see this dyno's log\"")]))]
    (into (mapv #(line pre %) (partition-all per-line parts)) alarms)))

(defn handler
  "The metrics callback: prints `lines` of `metrics` to stdout, source=$DYNO, and one line on
  stderr naming how many metrics could not be read. Never throws, not even an Error."
  [metrics]
  (try
    (let [^PrintStream out System/out
          left-out (if (map? metrics) (second (readable metrics)) 0)]
      (doseq [^String l (lines metrics (System/getenv "DYNO"))]
        (.println out l))
      (.flush out)
      (when (pos? left-out)
        (.println System/err (str "datomic-buildpack.metrics: left out " left-out
                                  " metric(s) whose name or value could not be read"))))
    (catch Throwable e
      (.println System/err (str "datomic-buildpack.metrics: could not report metrics: "
                                (.getName (class e)))))))
