/** The trust decision shared by the CLI and the desktop, and the known-servers file. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pinServer, readKnownServers, serverKey } from '../../../src-main/atp-client/known-servers.js';
import { sameFingerprint, verifyServerIdentity, type ServerIdentity } from '../../../src-main/atp-client/server-identity.js';

const A = 'SHA256:' + 'A'.repeat(43);
const B = 'SHA256:' + 'B'.repeat(42) + 'c';
const identity = (o: Partial<ServerIdentity>): ServerIdentity => ({
  fingerprint: A, chainTrusted: false, chainError: 'DEPTH_ZERO_SELF_SIGNED_CERT', hostMatches: false, hostError: 'no name',
  subject: '', issuer: '', validFrom: '', validTo: '', ...o,
});

describe('verifyServerIdentity', () => {
  test('a CA-signed certificate that names the host is trusted without a pin, and even over another pin', () => {
    const ca = identity({ chainTrusted: true, chainError: null, hostMatches: true, hostError: null });
    assert.deepEqual(verifyServerIdentity({ identity: ca }), { trusted: true, by: 'certificate-authority' });
    assert.deepEqual(verifyServerIdentity({ identity: ca, pinned: B }), { trusted: true, by: 'certificate-authority' });
  });

  test('a CA-signed certificate for another host, or expired, is only as good as its pin', () => {
    const otherHost = identity({ chainTrusted: true, chainError: null, hostMatches: false, hostError: "Host: x. is not in the cert's altnames" });
    const d = verifyServerIdentity({ identity: otherHost });
    assert.equal(d.trusted, false);
    assert.match((d as { why: string }).why, /does not name this host/);
    const expired = identity({ chainTrusted: false, chainError: 'CERT_HAS_EXPIRED', hostMatches: true, hostError: null });
    assert.match((verifyServerIdentity({ identity: expired }) as { why: string }).why, /CERT_HAS_EXPIRED/);
    assert.deepEqual(verifyServerIdentity({ identity: expired, pinned: A }), { trusted: true, by: 'pin' });
  });

  test('an unknown self-signed certificate is refused with its fingerprint; a pin or a given fingerprint trusts it', () => {
    assert.deepEqual(verifyServerIdentity({ identity: identity({}) }), {
      trusted: false, reason: 'unknown', fingerprint: A, why: 'its certificate is not from a certificate authority this system trusts (DEPTH_ZERO_SELF_SIGNED_CERT)',
    });
    assert.deepEqual(verifyServerIdentity({ identity: identity({}), pinned: A }), { trusted: true, by: 'pin' });
    assert.deepEqual(verifyServerIdentity({ identity: identity({}), expected: A + '=' }), { trusted: true, by: 'fingerprint' });
  });

  test('a changed certificate is a mismatch, whether pinned or given; a given fingerprint outranks even a CA', () => {
    assert.deepEqual(verifyServerIdentity({ identity: identity({}), pinned: B }), { trusted: false, reason: 'mismatch', fingerprint: A, expected: B, source: 'pin' });
    const ca = identity({ chainTrusted: true, chainError: null, hostMatches: true, hostError: null });
    assert.deepEqual(verifyServerIdentity({ identity: ca, expected: B }), { trusted: false, reason: 'mismatch', fingerprint: A, expected: B, source: 'fingerprint' });
  });

  test('fingerprints compare by their hash: the prefix in any case, with or without padding; the base64 case counts', () => {
    assert.ok(sameFingerprint(A, 'sha256:' + 'A'.repeat(43) + '='));
    assert.ok(!sameFingerprint(A, 'SHA256:' + 'a'.repeat(43)));
  });
});

describe('known_servers', () => {
  test('pins are read and replaced per HOST:PORT; comments and other servers are kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atp-known-'));
    const file = join(dir, 'atp', 'known_servers');
    assert.equal((await readKnownServers(file)).size, 0);
    await pinServer(file, serverKey('Music.Example', 2333), A);
    await pinServer(file, serverKey('::1', 4000), B);
    writeFileSync(file, '# my servers\n' + readFileSync(file, 'utf8') + 'garbage line\n');
    await pinServer(file, serverKey('music.example', 2333), B);
    assert.equal(readFileSync(file, 'utf8'), `# my servers\n[::1]:4000 ${B}\ngarbage line\nmusic.example:2333 ${B}\n`);
    assert.deepEqual([...(await readKnownServers(file))], [['[::1]:4000', B], ['music.example:2333', B]]);
    rmSync(dir, { recursive: true, force: true });
  });
});
