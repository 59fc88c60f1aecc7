(ns datomic-buildpack.peer-server
  "Main of the `peer-server` process and of `datomic-buildpack create-database`, written into the
  slug by the Datomic buildpack and run by the distribution's bin/run (clojure.main, with Datomic
  on the classpath): `bin/run -m datomic-buildpack.peer-server PLAN-FILE`.

  The plan (EDN, mode 0600, in the dyno's private runtime folder) holds what must stay out of the
  process list: access keys and secrets, database URIs. This namespace reads it and deletes it,
  sets the system properties it names, asks Datomic whether each database exists (creating it
  when the plan says so), then hands over to datomic.peer-server/-main with the real arguments,
  in this same JVM. Datomic's own namespaces are loaded only after the properties are set."
  (:require [clojure.edn :as edn]
            [clojure.string :as str]))

(defn read-plan!
  "Reads the plan file and deletes it: the secrets live on only in this JVM."
  [path]
  (let [file (java.io.File. ^String path)
        plan (edn/read-string (slurp file))]
    (.delete file)
    plan))

(defn set-system-properties!
  "Sets each system property of the plan (metrics callback, memcached settings, ...)."
  [properties]
  (doseq [[k v] properties]
    (System/setProperty (str k) (str v))))

(defn mask
  "Masks a text meant for the log by the buildpack's one rule (datomic.buildpack.output.Secrets),
  which the plan carries as `:mask-rules`, [regex replacement] pairs: the value of any parameter
  whose name says it is a secret (?sslpassword=, &PGPASSWORD=, whatever the case), then each
  secret long enough to be searched for, where it stands as a whole token (never inside a word)."
  [rules text]
  (reduce (fn [t [regex replacement]] (str/replace t (re-pattern regex) replacement))
          (str text)
          rules))

(defn- causes [^Throwable t]
  (take-while some? (iterate (fn [^Throwable e] (.getCause e)) t)))

(defn classify
  "What a failure from Datomic means here: :no-transactor, :missing, :no-table or :failed."
  [^Throwable t]
  (let [text (str/join "\n" (map (fn [^Throwable e] (str (.getMessage e) " " (ex-data e)))
                                 (causes t)))]
    (cond
      (or (str/includes? text "read-transactor-location-failed")
          (str/includes? text "Could not read transactor location")) :no-transactor
      (or (str/includes? text "db-not-found")
          (re-find #"Could not find \S+ in catalog" text)) :missing
      (str/includes? text "datomic_kvs\" does not exist") :no-table
      :else :failed)))

(defn- server-message
  "What the PostgreSQL server itself said, when `e` is the driver's exception for its answer."
  [e]
  (try
    (when-let [m (clojure.lang.Reflector/invokeInstanceMethod e "getServerErrorMessage"
                                                             (object-array 0))]
      (str (clojure.lang.Reflector/invokeInstanceMethod m "getMessage" (object-array 0))))
    (catch Throwable _ nil)))

(defn- sql-reason
  "An SQL failure in a few words, from its SQLSTATE; nil when it is not one we know."
  [^java.sql.SQLException e]
  (let [state (str (.getSQLState e))
        server (server-message e)
        said (fn [words] (if (str/blank? server) words (str words " (" server ")")))
        text (str (.getMessage e))]
    (cond
      (#{"28P01" "28000"} state) (said "Postgres refused the credentials")
      (= "53300" state) (cond
                          (str/includes? text "for role")
                          (said "the role has reached its CONNECTION LIMIT (0 allows none)")
                          (str/includes? text "for database")
                          (said "the database has reached its CONNECTION LIMIT")
                          :else (said "Postgres has no connection left (max_connections)"))
      (= "3D000" state) (said "the database does not exist")
      (#{"57P01" "57P02" "57P03"} state) (said "Postgres is shutting down or starting up")
      (and (= "08004" state) (str/includes? (str/lower-case text) "no password"))
      "Postgres asks for a password and the database URL has none"
      (and (str/starts-with? state "08") (str/includes? (str/lower-case text) "timed out"))
      "Postgres accepted the connection but did not answer in time"
      (not (str/blank? server)) (str "Postgres said: " server " (SQLSTATE " state ")")
      :else nil)))

(defn- cause-reason
  "One cause in a few words, or nil when it adds nothing we can say."
  [^Throwable e]
  (cond
    (instance? java.sql.SQLException e) (sql-reason e)
    (instance? java.net.UnknownHostException e)
    (if (str/blank? (.getMessage e))
      "a host name not found (DNS)"
      (str "host " (.getMessage e) " not found (DNS)"))
    (instance? java.nio.channels.UnresolvedAddressException e)
    "a host name does not resolve (DNS)"
    (instance? java.net.ConnectException e) "the connection was refused"
    (instance? java.net.SocketTimeoutException e) "no answer in time"
    :else nil))

(defn why
  "Why Datomic failed, in our words: the first cause we can put in a few words (an SQLSTATE we
  know, a host not found, a refused or timed-out connection), else the chain of causes, each
  message (or, for a cause without one, the kind of failure its class names)."
  [^Throwable t]
  (or (some cause-reason (causes t))
      (->> (causes t)
           (keep (fn [^Throwable e]
                   (let [m (.getMessage e)]
                     (cond
                       (str/blank? m) (str (.getSimpleName (class e)) " (without a message)")
                       ;; Java's default message for a wrapper: its cause's name, said next.
                       (and (.getCause e) (= m (str (.getCause e)))) nil
                       :else (str/replace (str/trim m) #"\s+" " ")))))
           distinct
           (str/join ", caused by: "))))

(defn datomic-api
  "Datomic's connect and create-database, loaded on first use."
  []
  (require 'datomic.api)
  {:connect (resolve 'datomic.api/connect)
   :create-database (resolve 'datomic.api/create-database)})

(defn- now [] (System/currentTimeMillis))

(defn call-within
  "Runs (f) on a thread of its own: {:value v}, {:thrown t}, or {:timed-out true} when it has not
  returned within `ms` milliseconds (the thread is interrupted and left behind: Datomic's calls do
  not all heed interrupts, so the process ends without waiting for it)."
  [ms f]
  (let [fut (future (try {:value (f)} (catch Throwable t {:thrown t})))
        r (deref fut (max 0 (long ms)) ::timeout)]
    (if (identical? r ::timeout)
      (do (future-cancel fut) {:timed-out true})
      r)))

(defn ensure-database
  "Asks Datomic about database `db-name` at `uri`: creates it when `create?` (Datomic answers
  whether it already existed), else connects to it. Every call must answer before `deadline`
  (wall-clock milliseconds), whatever Datomic's own connections do. While no transactor answers,
  retries with backoff (doubling from `backoff-ms`, at most 8 s) until the deadline. Returns
  :created or :exists; otherwise throws ex-info with :reason (see `classify`, and :no-answer
  when a call was still running at the deadline), :db-name and :attempts."
  [{:keys [create? deadline backoff-ms]} api db-name uri]
  (loop [delay (or backoff-ms 500)
         attempt 1
         earlier nil]
    (let [call (call-within (- deadline (now))
                            #(if create?
                               (if ((:create-database api) uri) :created :exists)
                               (do ((:connect api) uri) :exists)))
          outcome (cond
                    (:timed-out call) {:reason (if (= :no-transactor (:reason earlier))
                                                 :no-transactor ; the last try ran out of time
                                                 :no-answer)
                                       :cause (:cause earlier)}
                    (contains? call :thrown) {:reason (classify (:thrown call))
                                              :cause (:thrown call)}
                    :else (:value call))
          give-up #(throw (ex-info (name (:reason outcome))
                                   {:reason (:reason outcome) :db-name db-name :attempts attempt}
                                   (:cause outcome)))]
      (cond
        (keyword? outcome) outcome

        (and (= :no-transactor (:reason outcome)) (< (now) deadline))
        (do (Thread/sleep (long (max 1 (min delay (- deadline (now))))))
            (if (< (now) deadline)
              (recur (min (* 2 delay) 8000) (inc attempt) outcome)
              (give-up)))

        :else (give-up)))))

(defn- advice
  "A command to suggest, as the buildpack rendered it for where this process runs (a dyno,
  heroku local): the plan's :advice, else Heroku's."
  [plan k default]
  (get-in plan [:advice k] default))

(defn failure
  "The message for a database that could not be checked or created: a summary, then advice."
  [plan {:keys [reason db-name attempts]} ^Throwable cause]
  (let [create (advice plan :create (str "heroku run "
                                         (:create-command plan "datomic-buildpack create-database")))
        start (advice plan :start-transactor "heroku ps:scale transactor=1")
        wait-s (quot (:wait-ms plan) 1000)
        storage (:storage plan "its storage")]
    (case reason
      :missing
      [(str "Datomic database '" db-name "' does not exist in this storage.")
       "The peer server serves only databases that exist. Create it (a transactor must be up):"
       (str "  " create " " db-name)
       "or let the peer server create the databases it serves at boot:"
       (str "  " (advice plan :create-databases
                         "heroku config:set DATOMIC_PEER_SERVER_CREATE_DATABASES=true"))]

      :no-transactor
      [(str "no transactor is running for this storage; start one with " start)
       (str "Datomic answered :db.error/read-transactor-location-failed for '" db-name "' for "
            wait-s " s (" attempts " attempts).")
       "A database is created or served only while a transactor is up. In a query-group app, start"
       "it in the transactor's app (heroku ps:scale transactor=1 -a <transactor app>), or wait"
       (str "longer: " (advice plan :wait-longer
                               "heroku config:set DATOMIC_PEER_SERVER_TRANSACTOR_WAIT=<seconds>"))]

      :no-answer
      [(str "Datomic did not answer for database '" db-name "' within " wait-s " s.")
       (str "It was still waiting for " storage " or for the transactor when"
            " DATOMIC_PEER_SERVER_TRANSACTOR_WAIT (" wait-s " s) ran out.")
       "Check the database (heroku pg:info) and the transactor (heroku ps). A database whose"
       "connect takes longer (a large log to read) needs a longer wait:"
       "  heroku config:set DATOMIC_PEER_SERVER_TRANSACTOR_WAIT=<seconds>"]

      :no-table
      ["This storage has no datomic_kvs table: no transactor has used it yet."
       (str "The transactor creates it at its first boot: " start)
       "In a query-group app, check that DATABASE_URL is the transactor app's database."]

      (let [said (mask (:mask-rules plan) (if cause (why cause) "no reason given"))
            memcached (get (:system-properties plan) "datomic.memcachedServers")]
        [(str "Datomic could not open database '" db-name "': " said ".")
         (str "Storage: " storage ".")
         (when (and memcached (str/includes? said "DNS"))
           (str "Memcached: " memcached " (DATOMIC_MEMCACHED, or the MemCachier add-on): check"
                " that its host names resolve."))
         (if (:debug plan)
           "Datomic's own report follows (DATOMIC_BUILDPACK_DEBUG is on)."
           "For Datomic's own report (stack traces): heroku config:set DATOMIC_BUILDPACK_DEBUG=1")]))))

(defn- error! [lines]
  (binding [*out* *err*]
    (println)
    (println (str " !     Error: " (first lines)))
    (doseq [line (rest lines) :when (not (str/blank? line))]
      (println (str " !     " line)))
    (println)
    (flush)))

(defn- trace!
  "The stack trace of `t`, masked, after the message: only with DATOMIC_BUILDPACK_DEBUG."
  [plan ^Throwable t]
  (when (and (:debug plan) t)
    (let [w (java.io.StringWriter.)]
      (.printStackTrace t (java.io.PrintWriter. w))
      (binding [*out* *err*]
        (println (mask (:mask-rules plan) (str w)))
        (flush)))))

(def pool-logger
  "The connection pool's java.util.logging logger: it logs a stack trace for every connection
  Datomic's pool fails to open (hundreds of lines for one wrong password)."
  "org.apache.tomcat.jdbc.pool")

(defn quiet-pool!
  "Turns the connection pool's own log off while the databases are checked, unless `debug?`;
  returns a function that turns it back to what it was (the running peer server logs as
  Datomic does). The logger is held until then: java.util.logging forgets loggers no one holds."
  [debug?]
  (if debug?
    (fn [])
    (let [logger (java.util.logging.Logger/getLogger ^String pool-logger)
          level (.getLevel logger)]
      (.setLevel logger java.util.logging.Level/OFF)
      (fn [] (.setLevel logger level)))))

(defn- detail! [text]
  (println (str "       " text))
  (flush))

(defn run
  "Checks (or creates) every database of the plan and says so. Returns {:exit 0} when the plan
  is done (create mode), {:serve args} when the peer server may start, {:exit 1} after printing
  why it may not."
  [plan api]
  (let [create? (or (= "create" (:mode plan)) (:create-databases plan))
        ;; One deadline for the whole check: the wait holds end to end, however many databases.
        options {:create? create? :deadline (+ (now) (:wait-ms plan))
                 :backoff-ms (:backoff-ms plan)}
        restore-pool-log (quiet-pool! (:debug plan))]
    (println (str "-----> " (if (= "create" (:mode plan)) "Creating" "Checking")
                  " Datomic databases: " (str/join ", " (map first (:databases plan)))))
    (flush)
    (try
      (loop [[[db-name uri] & more] (:databases plan)]
        (if (nil? db-name)
          (if (= "create" (:mode plan))
            {:exit 0}
            {:serve (:peer-server-args plan)})
          (let [result (try (ensure-database options api db-name uri)
                            (catch clojure.lang.ExceptionInfo e e))]
            (if (keyword? result)
              (do (detail! (str db-name ": " (if (= :created result) "created" "already exists")))
                  (recur more))
              (let [cause (.getCause ^Throwable result)]
                (error! (failure plan (ex-data result) cause))
                (trace! plan cause)
                {:exit 1})))))
      (finally (restore-pool-log)))))

(defn -main
  "bin/run -m datomic-buildpack.peer-server PLAN-FILE"
  [plan-path & _]
  (let [plan (read-plan! plan-path)]
    (set-system-properties! (:system-properties plan))
    (let [{:keys [exit serve]} (run plan (datomic-api))]
      (if serve
        (do (require 'datomic.peer-server)
            (apply (resolve 'datomic.peer-server/-main) serve))
        (do (shutdown-agents)
            (System/exit exit))))))
