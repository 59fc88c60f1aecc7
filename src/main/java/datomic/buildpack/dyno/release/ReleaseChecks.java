package datomic.buildpack.dyno.release;

import datomic.buildpack.dyno.BootContext;
import datomic.buildpack.dyno.backup.Backups;
import datomic.buildpack.dyno.peerserver.PeerServerBoot;
import datomic.buildpack.dyno.transactor.TransactorBoot;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks of every process this app runs, short of starting one: the transactor's (storage
 * prepared), and the peer server's and the backups' settings when the app configures them. A
 * bad setting of any process fails here, before any dyno restarts with it. The Heroku release
 * phase runs them all; the Heroku CI check runs {@link #otherProcesses} with its config check.
 */
public final class ReleaseChecks {
  private ReleaseChecks() {}

  /** Every check; the first refusal is thrown. */
  public static void run(BootContext boot) {
    new TransactorBoot(boot).releaseChecks();
    otherProcesses(boot).forEach(what -> boot.log().detail("checked   " + what));
  }

  /** The checks of the processes besides the transactor; returns what was checked. */
  public static List<String> otherProcesses(BootContext boot) {
    List<String> checked = new ArrayList<>();
    new PeerServerBoot(boot).releaseChecks().ifPresent(checked::add);
    new Backups(boot).releaseChecks().ifPresent(checked::add);
    return checked;
  }
}
