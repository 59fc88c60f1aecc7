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

(defn datomic-api
  "Datomic's connect and create-database, loaded on first use."
  []
  (require 'datomic.api)
  {:connect (resolve 'datomic.api/connect)
   :create-database (resolve 'datomic.api/create-database)})

(defn ensure-database
  "Asks Datomic about database `db-name` at `uri`: creates it when `create?` (Datomic answers
  whether it already existed), else connects to it. While no transactor answers, retries with
  backoff (doubling from `backoff-ms`, at most 8 s), a last time when `wait-ms` have passed.
  Returns :created
  or :exists; otherwise throws ex-info with :reason (see `classify`), :db-name and :attempts."
  [{:keys [create? wait-ms backoff-ms]} api db-name uri]
  (let [deadline (+ (System/currentTimeMillis) wait-ms)]
    (loop [delay (or backoff-ms 500)
           attempt 1]
      (let [outcome (try
                      (if create?
                        (if ((:create-database api) uri) :created :exists)
                        (do ((:connect api) uri) :exists))
                      (catch Throwable t {:reason (classify t) :cause t}))]
        (cond
          (keyword? outcome) outcome

          (and (= :no-transactor (:reason outcome))
               (< (System/currentTimeMillis) deadline))
          (do (Thread/sleep (long (max 1 (min delay (- deadline (System/currentTimeMillis))))))
              (recur (min (* 2 delay) 8000) (inc attempt)))

          :else
          (throw (ex-info (name (:reason outcome))
                          {:reason (:reason outcome) :db-name db-name :attempts attempt}
                          (:cause outcome))))))))

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
        start (advice plan :start-transactor "heroku ps:scale transactor=1")]
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
            (quot (:wait-ms plan) 1000) " s (" attempts " attempts).")
       "A database is created or served only while a transactor is up. In a query-group app, start"
       "it in the transactor's app (heroku ps:scale transactor=1 -a <transactor app>), or wait"
       (str "longer: " (advice plan :wait-longer
                               "heroku config:set DATOMIC_PEER_SERVER_TRANSACTOR_WAIT=<seconds>"))]

      :no-table
      ["This storage has no datomic_kvs table: no transactor has used it yet."
       (str "The transactor creates it at its first boot: " start)
       "In a query-group app, check that DATABASE_URL is the transactor app's database."]

      [(str "Datomic could not open database '" db-name "'.")
       (mask (:mask-rules plan) (str (some-> cause .getCause .getMessage)))
       (mask (:mask-rules plan) (str (some-> cause .getMessage)))])))

(defn- error! [lines]
  (binding [*out* *err*]
    (println)
    (println (str " !     Error: " (first lines)))
    (doseq [line (rest lines) :when (not (str/blank? line))]
      (println (str " !     " line)))
    (println)
    (flush)))

(defn- detail! [text]
  (println (str "       " text))
  (flush))

(defn run
  "Checks (or creates) every database of the plan and says so. Returns {:exit 0} when the plan
  is done (create mode), {:serve args} when the peer server may start, {:exit 1} after printing
  why it may not."
  [plan api]
  (let [create? (or (= "create" (:mode plan)) (:create-databases plan))
        options {:create? create? :wait-ms (:wait-ms plan) :backoff-ms (:backoff-ms plan)}]
    (println (str "-----> " (if (= "create" (:mode plan)) "Creating" "Checking")
                  " Datomic databases: " (str/join ", " (map first (:databases plan)))))
    (flush)
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
            (do (error! (failure plan (ex-data result) (.getCause ^Throwable result)))
                {:exit 1})))))))

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
