import { createHash, X509Certificate } from 'node:crypto';

/**
 * A certificate's fingerprint as ATP shows it: "SHA256:" and the SHA-256 of the certificate's DER bytes in base64
 * without padding, as OpenSSH shows host keys (43 characters after the prefix).
 */
export function fingerprintOfDer(der: Uint8Array): string {
  return 'SHA256:' + createHash('sha256').update(der).digest('base64').replace(/=+$/, '');
}

/** The fingerprint of the first certificate in a PEM file's text (the server's own, before any chain). */
export function fingerprintOfPem(pem: string | Buffer): string {
  return fingerprintOfDer(new X509Certificate(pem).raw);
}
