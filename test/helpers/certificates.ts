// Test certificates made with Debian's `openssl` in a temporary directory: a CA, a server certificate for
// localhost/127.0.0.1 (and a second one to swap in), client certificates from that CA, from another CA,
// and one that expired in 2020 (signed with `openssl ca`, which takes explicit dates); issueClient() makes more.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Pair {
  cert: string;
  key: string;
}

export interface Certificates {
  dir: string;
  ca: string;
  otherCa: string;
  server: Pair;
  /** Another server certificate from the same CA (CN localhost-2), for reload tests. */
  server2: Pair;
  client: Pair;
  wrongCaClient: Pair;
  expiredClient: Pair;
  remove(): void;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function makeCa(dir: string, name: string): void {
  openssl(dir, "req", "-x509", ...EC, "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2", "-subj", `/CN=${name}`);
}

function issue(dir: string, ca: string, name: string, cn: string, extensions: string, subject = `/CN=${cn}`): Pair {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, "req", ...EC, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject);
  openssl(dir, "x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-CAcreateserial",
    "-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`);
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

function issueExpired(dir: string, ca: string, name: string): Pair {
  writeFileSync(join(dir, "index.txt"), "");
  writeFileSync(join(dir, "serial"), "1000\n");
  writeFileSync(join(dir, "ca.cnf"), [
    "[ca]", "default_ca = d", "[d]", "database = index.txt", "new_certs_dir = .", `certificate = ${ca}.crt`,
    `private_key = ${ca}.key`, "serial = serial", "default_md = sha256", "policy = p", "x509_extensions = e",
    "[p]", "commonName = supplied", "[e]", "extendedKeyUsage = clientAuth", "",
  ].join("\n"));
  openssl(dir, "req", ...EC, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
  openssl(dir, "ca", "-batch", "-config", "ca.cnf", "-in", `${name}.csr`, "-out", `${name}.crt`, "-notext",
    "-startdate", "20200101000000Z", "-enddate", "20200102000000Z");
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

export function makeCertificates(): Certificates {
  const dir = mkdtempSync(join(tmpdir(), "quarkmq-certs-"));
  makeCa(dir, "ca");
  makeCa(dir, "other-ca");
  const serverExt = "subjectAltName = DNS:localhost, IP:127.0.0.1\nextendedKeyUsage = serverAuth\n";
  const clientExt = "extendedKeyUsage = clientAuth\n";
  return {
    dir,
    ca: join(dir, "ca.crt"),
    otherCa: join(dir, "other-ca.crt"),
    server: issue(dir, "ca", "server", "localhost", serverExt),
    server2: issue(dir, "ca", "server2", "localhost-2", serverExt),
    client: issue(dir, "ca", "client", "client-1", clientExt),
    wrongCaClient: issue(dir, "other-ca", "stranger", "stranger", clientExt),
    expiredClient: issueExpired(dir, "ca", "expired"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Another client certificate from the test CA: `subject` as openssl writes it ("/CN=x", "/O=y"), `subjectAltName` as
 *  in an openssl extension file ("DNS:a, email:b@c"), for certificate identity tests. */
export function issueClient(certs: Certificates, name: string, subject: string, subjectAltName?: string): Pair {
  const extensions = `extendedKeyUsage = clientAuth\n${subjectAltName === undefined ? "" : `subjectAltName = ${subjectAltName}\n`}`;
  return issue(certs.dir, "ca", name, "", extensions, subject);
}
