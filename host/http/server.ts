// The broker's HTTP listener on uWebSockets.js: one route table (health, metrics, the admin API), request
// heads read up front (uWS forbids touching a request after its handler returns), JSON errors, and a
// listen socket closed on broker.close() (an open uWS socket at exit aborts the process; STACK.md).
import type { HttpRequest as UwsRequest, HttpResponse, TemplatedApp, us_listen_socket } from "uWebSockets.js";
import type { HttpOptions } from "../config/options.ts";
import type { Logger } from "../log.ts";
import { loadUws, type Uws } from "../transport/uws.ts";
import { HttpError, readBody, type HttpRequest, type Reply } from "./request.ts";

/** A route answers a request; it may be async (the response is held until it settles). */
export type Route = (request: HttpRequest) => Reply | Promise<Reply>;

/** Routes by exact path, or by prefix (a path ending in `/`) for the admin API. */
export interface RouteTable {
  exact: Record<string, Route>;
  prefix: Array<[string, Route]>;
}

/** Status lines uWS writes as given. */
const statusText: Record<number, string> = {
  200: "200 OK", 204: "204 No Content", 400: "400 Bad Request", 401: "401 Unauthorized", 404: "404 Not Found",
  405: "405 Method Not Allowed", 413: "413 Content Too Large", 415: "415 Unsupported Media Type",
  500: "500 Internal Server Error", 503: "503 Service Unavailable",
};

export class HttpServer {
  private uws: Uws | undefined;
  private app: TemplatedApp | undefined;
  private listenSocket: us_listen_socket | undefined;
  private readonly maxBodySize: number;

  constructor(private readonly options: HttpOptions, private readonly routes: RouteTable, private readonly log: Logger) {
    this.maxBodySize = options.maxBodySize ?? 1 << 20;
  }

  /** uWebSockets.js is loaded here, not at import (its UWS_USE_FALLBACK switch is read when it loads). */
  async listen(): Promise<{ host: string; port: number }> {
    const { host, port } = this.options;
    const { uws } = await loadUws(this.log);
    this.uws = uws;
    const app = this.app = uws.App();
    app.any("/*", (res, req) => this.handle(res, req));
    return new Promise((resolve, reject) => {
      app.listen(host, port, (socket) => {
        if (!socket) return reject(new Error(`quarkmq: cannot listen for HTTP on ${host}:${port}`));
        this.listenSocket = socket;
        resolve({ host, port: localPort(uws, socket) });
      });
    });
  }

  /** Stops accepting; requests under way finish on their own. */
  close(): void {
    if (this.listenSocket === undefined) return;
    this.uws!.us_listen_socket_close(this.listenSocket);
    this.listenSocket = undefined;
  }

  private handle(res: HttpResponse, req: UwsRequest): void {
    const state = { aborted: false };
    res.onAborted(() => { state.aborted = true; });
    const url = req.getUrl();
    const path = url.split("?", 1)[0]!;
    const request: HttpRequest = {
      method: req.getMethod().toUpperCase(),
      path,
      authorization: req.getHeader("authorization"),
      contentType: req.getHeader("content-type"),
      contentLength: req.getHeader("content-length"),
      body: () => readBody(res, request, this.maxBodySize, state),
    };
    const route = this.routes.exact[path] ?? this.routes.prefix.find(([p]) => path.startsWith(p))?.[1];
    if (route === undefined) {
      this.send(res, state, { status: 404, json: { error: "not_found", message: `no route ${path}` } });
      return;
    }
    let reply: Reply | Promise<Reply>;
    try {
      reply = route(request);
    } catch (error) {
      this.send(res, state, this.failure(error));
      return;
    }
    if (!(reply instanceof Promise)) {
      if (!request.bodyStarted) res.onData(ignoreData);
      this.send(res, state, reply);
      return;
    }
    if (!request.bodyStarted) res.onData(ignoreData);
    reply.then((r) => this.send(res, state, r), (error: unknown) => this.send(res, state, this.failure(error)));
  }

  private failure(error: unknown): Reply {
    if (error instanceof HttpError) return { status: error.status, json: { error: error.code, message: error.message }, close: error.close };
    this.log.error({ err: error }, "HTTP route failed");
    return { status: 500, json: { error: "internal", message: "internal error" } };
  }

  private send(res: HttpResponse, state: { aborted: boolean; done?: boolean }, reply: Reply): void {
    if (state.aborted || state.done) return;
    state.done = true;
    const body = reply.json !== undefined ? JSON.stringify(reply.json) : reply.text ?? "";
    const type = reply.json !== undefined ? "application/json" : reply.contentType ?? "text/plain; charset=utf-8";
    res.cork(() => {
      res.writeStatus(statusText[reply.status] ?? String(reply.status));
      if (reply.status !== 204) res.writeHeader("Content-Type", type);
      if (reply.status === 401) res.writeHeader("WWW-Authenticate", "Bearer");
      res.end(reply.status === 204 ? "" : body, reply.close === true);
    });
  }
}

/** The port a listen socket got; the JS fallback of uWebSockets.js (STACK.md) may not export us_socket_local_port
 *  under every module interop, but its listen socket answers address() as node:http does. */
function localPort(uws: Uws, socket: us_listen_socket): number {
  if (typeof uws.us_socket_local_port === "function") return uws.us_socket_local_port(socket);
  return (socket as unknown as { address(): { port: number } }).address().port;
}

/** A body nobody asked for is read and dropped, so the connection can serve its next request. */
function ignoreData(): void {}
