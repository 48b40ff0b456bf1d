// What one connection's client and the broker agreed: set when its CONNECT is read (connecting) and when it is
// accepted (agreed), read by the send paths and the handlers; and the will it left, until it goes out or is dropped.
// Its own object so Connection keeps to the connection.
import type { Will } from "../core/packets.ts";
import type { Negotiated } from "./context.ts";
import { OutboundAliases } from "./outbound-aliases.ts";

export class ClientTerms {
  private levelValue = 0;
  private keepAliveSeconds = 0;
  private quota = 65535;
  private maxPacketSizeValue = 0;
  private problemInformationValue = true;
  private method: string | undefined;
  private aliases: OutboundAliases | undefined;
  private willValue: Will | undefined;

  /** 0 until CONNECT, then 3, 4 or 5. */
  get level(): number { return this.levelValue; }
  /** Keep-alive granted, seconds (0 = none). */
  get keepAlive(): number { return this.keepAliveSeconds; }
  /** The client's Receive Maximum: QoS 1/2 publishes we may have unacknowledged to it. */
  get sendQuota(): number { return this.quota; }
  /** The client's v5 Maximum Packet Size (0: none). */
  get maxPacketSize(): number { return this.maxPacketSizeValue; }
  /** v5 Request Problem Information (default 1): 0 keeps Reason Strings and User Properties to CONNACK and DISCONNECT. */
  get problemInformation(): boolean { return this.problemInformationValue; }
  /** v5 CONNECT authentication method (AUTH must repeat it). */
  get authenticationMethod(): string | undefined { return this.method; }
  /** v5 topic aliases we set towards the client; only when its CONNECT Topic Alias Maximum is > 0 [MQTT-3.1.2-27]. */
  get outboundAliases(): OutboundAliases | undefined { return this.aliases; }
  /** The will to publish if the connection ends without DISCONNECT. */
  get will(): Will | undefined { return this.willValue; }

  /** A CONNECT of protocol `level` is being decided; its Maximum Packet Size and Request Problem Information hold
   *  from its CONNACK on. */
  connecting(level: 3 | 4 | 5, maxPacketSize: number, problemInformation: boolean): void {
    this.levelValue = level;
    this.maxPacketSizeValue = maxPacketSize;
    this.problemInformationValue = problemInformation;
  }

  /** The CONNECT handler accepted the client with these settings. */
  agreed(settings: Negotiated): void {
    this.keepAliveSeconds = settings.keepAlive;
    this.quota = settings.sendQuota;
    if (settings.topicAliasMaximum > 0) this.aliases = new OutboundAliases(settings.topicAliasMaximum); // v5 [MQTT-3.1.2-27]
    this.method = settings.authenticationMethod;
    this.willValue = settings.will;
  }

  /** The will is not to be published (a normal DISCONNECT, broker close, a CONNACK too large to send). */
  dropWill(): void {
    this.willValue = undefined;
  }

  /** The connection ends: the will, if still set, for its session to publish; it is gone from here. */
  takeWill(): Will | undefined {
    const will = this.willValue;
    this.willValue = undefined;
    return will;
  }
}
