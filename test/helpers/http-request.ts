// One HTTP request over a fresh node:http connection (no keep-alive agent left open), for tests of the
// broker's HTTP face: status, headers, body text and, when it parses, JSON.
import http from "node:http";

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface HttpAsk {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export function request(port: number, path: string, ask: HttpAsk = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: ask.method ?? "GET", headers: ask.headers, agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`HTTP ${path}: no answer in 5 s`)));
    req.on("error", reject);
    req.end(ask.body);
  });
}
