import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContext } from 'node:tls';
import { fingerprintOfPem } from './fingerprint.js';
import type { CertificatePaths } from './self-signed.js';

/** A certificate and key that cannot be served, said so that a person knows which file to fix. */
export class CertificateError extends Error {
  override name = 'CertificateError';
}

export interface LoadedCertificate {
  context: SecureContext;
  fingerprint: string;
}

/** Reads and checks a PEM certificate (the server's first, then any chain) and its key; TLS 1.3 only. */
export async function loadCertificate(paths: CertificatePaths): Promise<LoadedCertificate> {
  const read = (path: string, what: string) =>
    readFile(path).catch((err: NodeJS.ErrnoException) => {
      throw new CertificateError(`the TLS ${what} ${path} cannot be read: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    });
  const [cert, key] = await Promise.all([read(paths.cert, 'certificate'), read(paths.key, 'key')]);
  let fingerprint: string;
  try {
    fingerprint = fingerprintOfPem(cert);
  } catch (err) {
    throw new CertificateError(`${paths.cert} holds no PEM certificate: ${(err as Error).message}`);
  }
  try {
    return { context: createSecureContext({ cert, key, minVersion: 'TLSv1.3' }), fingerprint };
  } catch (err) {
    throw new CertificateError(`the TLS key ${paths.key} does not fit the certificate ${paths.cert}, or cannot be read: ${(err as Error).message}`);
  }
}

/**
 * The certificate a server process offers at ENCRYPT. `reload` reads the files again (SIGHUP, after a renewal):
 * handshakes from then on use the new context, connections already encrypted keep theirs, and files that cannot
 * be read leave the old certificate in place.
 */
export class ServerCredentials {
  private constructor(
    private readonly paths: CertificatePaths,
    private current: LoadedCertificate,
  ) {}

  static async load(paths: CertificatePaths): Promise<ServerCredentials> {
    return new ServerCredentials(paths, await loadCertificate(paths));
  }

  get context(): SecureContext {
    return this.current.context;
  }

  get fingerprint(): string {
    return this.current.fingerprint;
  }

  async reload(): Promise<LoadedCertificate> {
    this.current = await loadCertificate(this.paths);
    return this.current;
  }
}
