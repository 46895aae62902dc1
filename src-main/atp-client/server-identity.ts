/**
 * Who the server at the other end of an encrypted connection is, and whether to trust it, as SSH and Syncthing
 * decide: a certificate that chains to a certificate authority the system trusts and names the host is trusted;
 * any other is trusted only by the fingerprint the user pinned. The decision is a pure function, so the command
 * line and the desktop decide alike and only ask their user differently.
 */
import { createHash, type X509Certificate } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';

export interface ServerIdentity {
  /** "SHA256:" and the base64 (unpadded) SHA-256 of the server's certificate, as `atp-server fingerprint` prints. */
  fingerprint: string;
  /** The certificate chains to a CA in Node's store (the system's, and NODE_EXTRA_CA_CERTS) and is in its dates. */
  chainTrusted: boolean;
  /** Why not, when not: Node's code, e.g. DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED. */
  chainError: string | null;
  /** The certificate names the host connected to. */
  hostMatches: boolean;
  hostError: string | null;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
}

export function fingerprintOf(der: Uint8Array): string {
  return 'SHA256:' + createHash('sha256').update(der).digest('base64').replace(/=+$/, '');
}

/** Reads the identity of a TLS socket whose handshake is done; `hostCheck` is what checkServerIdentity said. */
export function identityOf(socket: TLSSocket, hostCheck: Error | undefined): ServerIdentity {
  const cert: PeerCertificate = socket.getPeerCertificate();
  const x509: X509Certificate | undefined = socket.getPeerX509Certificate();
  return {
    fingerprint: fingerprintOf(cert.raw),
    chainTrusted: socket.authorized,
    chainError: socket.authorized ? null : String(socket.authorizationError ?? 'unknown'),
    hostMatches: hostCheck === undefined,
    hostError: hostCheck?.message ?? null,
    subject: x509?.subject.replace(/\n/g, ', ') ?? '',
    issuer: x509?.issuer.replace(/\n/g, ', ') ?? '',
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
  };
}

/** Records what Node's own host check says without refusing: the trust decision is made afterwards, in one place. */
export function recordingHostCheck(): { check: typeof checkServerIdentity; result(): Error | undefined } {
  let outcome: Error | undefined = new Error('the host name was not checked');
  return {
    check: (host, cert) => {
      outcome = checkServerIdentity(host, cert);
      return undefined;
    },
    result: () => outcome,
  };
}

export type TrustDecision =
  | { trusted: true; by: 'certificate-authority' | 'fingerprint' | 'pin' }
  | { trusted: false; reason: 'unknown'; fingerprint: string; why: string }
  | { trusted: false; reason: 'mismatch'; fingerprint: string; expected: string; source: 'fingerprint' | 'pin' };

export interface TrustQuestion {
  identity: ServerIdentity;
  /** A fingerprint the user gave for this connection (atp --fingerprint): only it is accepted. */
  expected?: string;
  /** The fingerprint pinned for this host:port (known_servers, the desktop's settings). */
  pinned?: string;
}

export function verifyServerIdentity({ identity, expected, pinned }: TrustQuestion): TrustDecision {
  const { fingerprint } = identity;
  if (expected !== undefined) {
    return sameFingerprint(expected, fingerprint)
      ? { trusted: true, by: 'fingerprint' }
      : { trusted: false, reason: 'mismatch', fingerprint, expected, source: 'fingerprint' };
  }
  if (identity.chainTrusted && identity.hostMatches) return { trusted: true, by: 'certificate-authority' };
  if (pinned !== undefined) {
    return sameFingerprint(pinned, fingerprint)
      ? { trusted: true, by: 'pin' }
      : { trusted: false, reason: 'mismatch', fingerprint, expected: pinned, source: 'pin' };
  }
  const why = !identity.chainTrusted
    ? `its certificate is not from a certificate authority this system trusts (${identity.chainError})`
    : `its certificate does not name this host (${identity.hostError})`;
  return { trusted: false, reason: 'unknown', fingerprint, why };
}

/** Fingerprints as people paste them: the prefix in any case, base64 with or without its padding. */
export function sameFingerprint(a: string, b: string): boolean {
  return normalizeFingerprint(a) === normalizeFingerprint(b);
}

export function normalizeFingerprint(text: string): string {
  const m = /^sha256:([A-Za-z0-9+/]{43})=?$/i.exec(text.trim());
  return m ? `SHA256:${m[1]}` : text.trim();
}

export function isFingerprint(text: string): boolean {
  return /^sha256:[A-Za-z0-9+/]{43}=?$/i.test(text.trim());
}
