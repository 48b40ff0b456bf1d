// The admin API under /api/v1, for operators: clients (list, one, disconnect), subscriptions, and a publish.
// Every request needs `Authorization: Bearer <token>` (compared in constant time); every refusal is JSON.
import { createHash, timingSafeEqual } from "node:crypto";
import { ReasonCode } from "../protocol/reason-code.ts";
import { clientView, connectedClients, findClient, subscriptionsOf, type HttpBroker } from "./broker-view.ts";
import { readPublish } from "./publish-body.ts";
import { allow, HttpError, readJson, type HttpRequest, type Reply } from "./request.ts";
import type { Route } from "./server.ts";

export const apiPrefix = "/api/v1/";

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** A check of the Authorization header against the token: both hashed, so the comparison is constant time whatever their lengths. */
function bearerCheck(token: string | undefined): (header: string) => boolean {
  if (token === undefined || token === "") return () => false;
  const expected = digest(token);
  return (header) => {
    const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
    return match !== null && timingSafeEqual(digest(match[1]!), expected);
  };
}

function clientIdOf(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, "bad_request", "the client id in the path is not valid percent-encoding");
  }
}

export function adminRoute(broker: HttpBroker, token: string | undefined): Route {
  const authorized = bearerCheck(token);
  return (request) => {
    if (!authorized(request.authorization)) {
      throw new HttpError(401, "unauthorized", token
        ? "missing or wrong bearer token (Authorization: Bearer <token>)"
        : "the admin API is off: set http.adminToken or QUARKMQ_ADMIN_TOKEN");
    }
    const parts = request.path.slice(apiPrefix.length).split("/");
    if (parts[parts.length - 1] === "") parts.pop();
    const [resource, id, action, ...extra] = parts;
    if (resource === "clients" && extra.length === 0) {
      if (id === undefined) return listClients(broker, request);
      if (action === undefined) return oneClient(broker, request, clientIdOf(id));
      if (action === "disconnect") return disconnect(broker, request, clientIdOf(id));
    }
    if (resource === "subscriptions" && id === undefined) return listSubscriptions(broker, request);
    if (resource === "publish" && id === undefined) return publish(broker, request);
    throw new HttpError(404, "not_found", `no route ${request.path}`);
  };
}

function listClients(broker: HttpBroker, request: HttpRequest): Reply {
  allow(request, "GET");
  const clients = [];
  for (const connection of connectedClients(broker)) clients.push(clientView(connection));
  return { status: 200, json: { clients } };
}

function oneClient(broker: HttpBroker, request: HttpRequest, clientId: string): Reply {
  allow(request, "GET");
  const connection = findClient(broker, clientId);
  if (connection === undefined) throw new HttpError(404, "client_not_found", `no connected client ${JSON.stringify(clientId)}`);
  return { status: 200, json: clientView(connection) };
}

/** Ends a client's connection: v5 clients get DISCONNECT 0x98 Administrative action (v5 4.13); its will goes out. */
function disconnect(broker: HttpBroker, request: HttpRequest, clientId: string): Reply {
  allow(request, "POST");
  const connection = findClient(broker, clientId);
  if (connection === undefined) throw new HttpError(404, "client_not_found", `no connected client ${JSON.stringify(clientId)}`);
  connection.disconnect(ReasonCode.AdministrativeAction);
  broker.log.info({ clientId }, "disconnected by the admin API");
  return { status: 200, json: { disconnected: clientId } };
}

/** Subscriptions of every session, connected or not. */
function listSubscriptions(broker: HttpBroker, request: HttpRequest): Reply {
  allow(request, "GET");
  const subscriptions = [];
  for (const session of broker.sessions.byClientId.values()) {
    for (const subscription of subscriptionsOf(session)) {
      subscriptions.push({ clientId: session.clientId, online: session.connection !== undefined, ...subscription });
    }
  }
  return { status: 200, json: { subscriptions } };
}

async function publish(broker: HttpBroker, request: HttpRequest): Promise<Reply> {
  allow(request, "POST");
  const options = readPublish(await readJson(request));
  if (broker.topics.checkTopicName(options.topicName) < 0) {
    throw new HttpError(400, "invalid_topic", `not a valid topic name: ${JSON.stringify(options.topicName)}`);
  }
  await broker.publish(options);
  return { status: 200, json: { published: true, topic: options.topicName, qos: options.qos, retain: options.retain, payloadBytes: options.payload.length } };
}
