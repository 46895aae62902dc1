// bench/load-generator.ts with one account per listener: every listener logs in as `bench-<its index>`, so on a
// server whose database has those accounts each stream records its plays and listening as a real user's would
// (bench/node-listeners.ts). Forked with --account-load-generator: one job in, one report out, then exit.
import { AtpWire } from './atp-wire.js';
import { runJob, type GeneratorJob } from './load-generator.js';

if (process.send && process.argv.includes('--account-load-generator')) {
  process.on('disconnect', () => process.exit(0));
  process.once('message', (job: GeneratorJob) => {
    // Listeners log in in the order they arrive, which is the order of the job's indexes.
    let n = 0;
    const login = AtpWire.prototype.login;
    AtpWire.prototype.login = function (this: AtpWire, user: string) {
      return login.call(this, `${user}-${job.indexes[n++] ?? `extra-${n}`}`);
    };
    void runJob(job).then((report) => process.send!(report, () => process.exit(0)));
  });
  process.send({ ready: true });
}
