// What an HTTP route sees and answers: the request head (copied out of uWS's stack-bound request), a
// body read with a size cap, JSON bodies checked for their content type, and errors carrying a status.
import type { HttpResponse } from "uWebSockets.js";

export interface HttpRequest {
  /** Upper case: GET, POST, ... */
  method: string;
  /** Without the query string. */
  path: string;
  authorization: string;
  contentType: string;
  contentLength: string;
  /** The whole body, refused with 413 past the server's cap. Call it before the route's first await. */
  body(): Promise<Buffer>;
  /** Set once body() has been called. */
  bodyStarted?: boolean;
}

export interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  contentType?: string;
  /** Close the connection after the reply (a body left unread). */
  close?: boolean;
}

/** A refusal with its HTTP status, a short machine-readable code and a message; answered as JSON. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly close = false) {
    super(message);
    this.name = "HttpError";
  }
}

/** Reads the body of `res`, at most `max` bytes: a larger Content-Length is refused at once, a longer stream as it arrives. */
export function readBody(res: HttpResponse, request: HttpRequest, max: number, state: { aborted: boolean }): Promise<Buffer> {
  request.bodyStarted = true;
  const tooLarge = () => new HttpError(413, "body_too_large", `request body over ${max} bytes`, true);
  return new Promise((resolve, reject) => {
    const declared = request.contentLength === "" ? 0 : Number(request.contentLength);
    if (!Number.isSafeInteger(declared) || declared < 0) {
      res.onData(() => {});
      return reject(new HttpError(400, "bad_request", "invalid Content-Length", true));
    }
    if (declared > max) {
      res.onData(() => {});
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let length = 0;
    let over = false;
    res.onData((chunk, isLast) => {
      if (over || state.aborted) return;
      length += chunk.byteLength;
      if (length > max) {
        over = true;
        return reject(tooLarge());
      }
      chunks.push(Buffer.from(chunk.slice(0))); // a copy: uWS reuses the chunk's memory after this call
      if (isLast) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length));
    });
  });
}

/** The body parsed as JSON: 415 unless the content type is application/json, 400 when it does not parse to an object. */
export async function readJson(request: HttpRequest): Promise<Record<string, unknown>> {
  const body = request.body();
  const type = request.contentType.split(";", 1)[0]!.trim().toLowerCase();
  if (type !== "application/json") {
    body.catch(() => undefined);
    throw new HttpError(415, "unsupported_media_type", "the body must be application/json");
  }
  const bytes = await body;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new HttpError(400, "invalid_json", `the body is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HttpError(400, "invalid_body", "the body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

/** 405 unless the method is one of `methods`. */
export function allow(request: HttpRequest, ...methods: string[]): void {
  if (!methods.includes(request.method)) throw new HttpError(405, "method_not_allowed", `${request.method} is not allowed on ${request.path}; use ${methods.join(" or ")}`);
}
