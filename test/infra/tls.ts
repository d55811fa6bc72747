import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DAYS = '7';

export interface PemFile {
  certPath: string;
  keyPath: string;
  certPem: string;
  keyPem: string;
}

export interface TestPki {
  ca: PemFile;
  server: PemFile;
  client: PemFile;
}

export interface KernelTlsEnv {
  KAFKA_CA_CERT: string;
  KAFKA_CLIENT_CERT: string;
  KAFKA_CLIENT_KEY: string;
}

async function readPair(certPath: string, keyPath: string): Promise<PemFile> {
  return { certPath, keyPath, certPem: await readFile(certPath, 'utf8'), keyPem: await readFile(keyPath, 'utf8') };
}

// OpenSSL 3 writes new keys as unencrypted PKCS#8 ("BEGIN PRIVATE KEY"), the form Kafka's PEM keystore reads.
export async function createCertificateAuthority(dir: string, name: string): Promise<PemFile> {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-noenc',
    '-days',
    DAYS,
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout',
    keyPath,
    '-out',
    certPath,
  ]);
  return readPair(certPath, keyPath);
}

async function issueCertificate(dir: string, ca: PemFile, name: string, extensions: string[]): Promise<PemFile> {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  const csrPath = join(dir, `${name}.csr`);
  const extPath = join(dir, `${name}.ext`);
  await writeFile(extPath, `${extensions.join('\n')}\n`);
  await run('openssl', [
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-noenc',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    keyPath,
    '-out',
    csrPath,
  ]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csrPath,
    '-CA',
    ca.certPath,
    '-CAkey',
    ca.keyPath,
    '-days',
    DAYS,
    '-set_serial',
    `0x${randomBytes(8).toString('hex')}`,
    '-extfile',
    extPath,
    '-out',
    certPath,
  ]);
  return readPair(certPath, keyPath);
}

// The server certificate names 127.0.0.1 and localhost so clients can keep hostname verification on.
export async function createTestPki(dir: string): Promise<TestPki> {
  const ca = await createCertificateAuthority(dir, 'clustera-test-ca');
  const server = await issueCertificate(dir, ca, 'localhost', [
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    'extendedKeyUsage=serverAuth',
    'keyUsage=critical,digitalSignature,keyEncipherment',
  ]);
  const client = await issueCertificate(dir, ca, 'clustera-kernel', [
    'extendedKeyUsage=clientAuth',
    'keyUsage=critical,digitalSignature,keyEncipherment',
  ]);
  return { ca, server, client };
}

// The shape a Clustera deployment hands a kernel: each PEM base64-encoded in its own variable.
export function kernelTlsEnv(ca: PemFile, client: PemFile): KernelTlsEnv {
  const encode = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');
  return {
    KAFKA_CA_CERT: encode(ca.certPem),
    KAFKA_CLIENT_CERT: encode(client.certPem),
    KAFKA_CLIENT_KEY: encode(client.keyPem),
  };
}
