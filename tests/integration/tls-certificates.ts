/** Certificates for the TLS tests: a tiny certificate authority and the server certificates it signs. */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

x509.cryptoProvider.set(webcrypto as Crypto);
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface TestCa {
  certPem: string;
  /** The CA certificate written to a file, for NODE_EXTRA_CA_CERTS. */
  certFile: string;
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export interface CertFiles {
  cert: string;
  key: string;
}

const pemKey = async (keys: CryptoKeyPair) => x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
const serial = () => '01' + randomBytes(8).toString('hex');

export async function makeCa(dir = mkdtempSync(join(tmpdir(), 'atp-ca-'))): Promise<TestCa> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(), name: 'CN=ATP test CA', notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 30 * DAY),
    signingAlgorithm: ALG, keys,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const certPem = cert.toString('pem') + '\n';
  const certFile = join(dir, 'ca.pem');
  writeFileSync(certFile, certPem);
  return { certPem, certFile, cert, keys };
}

/** A server certificate signed by `ca` for `names` (DNS names or IP addresses), written as PEM files into `dir`. */
export async function issue(ca: TestCa, dir: string, o: { names: string[]; notBefore?: Date; notAfter?: Date; name?: string }): Promise<CertFiles> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(), subject: `CN=${o.names[0]}`, issuer: ca.cert.subject,
    notBefore: o.notBefore ?? new Date(Date.now() - DAY), notAfter: o.notAfter ?? new Date(Date.now() + 10 * DAY),
    signingAlgorithm: ALG, publicKey: keys.publicKey, signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(o.names.map((n) => (/^[\d.]+$|:/.test(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n }))),
    ],
  });
  const files = { cert: join(dir, `${o.name ?? 'server'}.pem`), key: join(dir, `${o.name ?? 'server'}-key.pem`) };
  writeFileSync(files.cert, cert.toString('pem') + '\n' + ca.certPem);
  writeFileSync(files.key, (await pemKey(keys)) + '\n', { mode: 0o600 });
  return files;
}
