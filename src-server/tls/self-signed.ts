/**
 * The server's own certificate: an ECDSA P-256 key and a self-signed certificate made with @peculiar/x509 over
 * Node's WebCrypto on first start, kept in the state directory. Clients trust it by its pinned fingerprint, so it
 * is long-lived (as Syncthing's are): renewing it would make every client warn of a changed certificate.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const VALID_YEARS = 20;

export interface CertificatePaths {
  cert: string;
  key: string;
}

/** Where a server whose state directory is `stateDir` keeps the certificate it made. */
export function selfSignedPaths(stateDir: string): CertificatePaths {
  return { cert: join(stateDir, 'tls', 'cert.pem'), key: join(stateDir, 'tls', 'key.pem') };
}

export interface MadeCertificate {
  certPem: string;
  keyPem: string;
}

export async function makeSelfSigned(commonName = `atp-server ${hostname()}`): Promise<MadeCertificate> {
  x509.cryptoProvider.set(webcrypto as Crypto);
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALID_YEARS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    // A positive 64-bit serial: RFC 5280 asks for a unique one, and a random one needs no bookkeeping.
    serialNumber: '01' + randomBytes(8).toString('hex'),
    name: `CN=${commonName.replace(/[,+="\\<>;#]/g, ' ')}`,
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    keys: keys as CryptoKeyPair,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: hostname() }, { type: 'dns', value: 'localhost' }]),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', (keys as CryptoKeyPair).privateKey);
  return { certPem: cert.toString('pem') + '\n', keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n' };
}

/**
 * Makes the key and certificate at `paths` unless the certificate is already there. The key is written first, with
 * mode 0600, and each file appears whole (written beside, then renamed); true when a certificate was made.
 */
export async function ensureSelfSigned(paths: CertificatePaths): Promise<boolean> {
  const existing = await open(paths.cert, 'r').catch(() => null);
  if (existing) {
    await existing.close();
    return false;
  }
  const made = await makeSelfSigned();
  await mkdir(dirname(paths.cert), { recursive: true, mode: 0o700 });
  await writeWhole(paths.key, made.keyPem, 0o600);
  await writeWhole(paths.cert, made.certPem, 0o644);
  return true;
}

async function writeWhole(path: string, text: string, mode: number): Promise<void> {
  const partial = `${path}.${process.pid}.partial`;
  const file = await open(partial, 'w', mode);
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(partial, path).catch(async (err: unknown) => {
    await rm(partial, { force: true });
    throw err;
  });
}
