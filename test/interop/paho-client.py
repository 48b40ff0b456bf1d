# Drives Debian's python3-paho-mqtt (1.6) against a broker: connect, subscribe and publish at QoS 0-2,
# a retained message, and (v5) user properties. Prints one JSON object with what was seen; run it with
# /usr/bin/python3 HOST PORT 311|5. It asserts nothing itself: test/interop/paho-python.test.ts does.
import json
import sys
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

host, port, version = sys.argv[1], int(sys.argv[2]), sys.argv[3]
protocol = mqtt.MQTTv5 if version == "5" else mqtt.MQTTv311
prefix = f"paho/{version}"
TIMEOUT = 10


class Client:
    """A paho client with its events turned into waitable state."""

    def __init__(self, client_id):
        self.client = mqtt.Client(client_id=client_id, protocol=protocol)
        self.connected = threading.Event()
        self.connack = None
        self.messages = []
        self.message_arrived = threading.Condition()
        self.subacks = {}
        self.published = set()
        self.client.on_connect = self.on_connect
        self.client.on_message = self.on_message
        self.client.on_subscribe = self.on_subscribe
        self.client.on_publish = self.on_publish

    def on_connect(self, client, userdata, flags, rc, properties=None):
        self.connack = {"rc": int(rc) if not hasattr(rc, "value") else rc.value, "sessionPresent": flags.get("session present", 0)}
        self.connected.set()

    def on_message(self, client, userdata, message):
        record = {"topic": message.topic, "payload": message.payload.decode(), "qos": message.qos, "retain": bool(message.retain)}
        props = getattr(message, "properties", None)
        if props is not None and hasattr(props, "UserProperty"):
            record["userProperties"] = [list(p) for p in props.UserProperty]
        with self.message_arrived:
            self.messages.append(record)
            self.message_arrived.notify_all()

    def on_subscribe(self, client, userdata, mid, granted, properties=None):
        self.subacks[mid] = [g.value if hasattr(g, "value") else g for g in granted]

    def on_publish(self, client, userdata, mid):
        self.published.add(mid)

    def connect(self):
        if protocol == mqtt.MQTTv5:
            self.client.connect(host, port, keepalive=30, clean_start=True)
        else:
            self.client.connect(host, port, keepalive=30)
        self.client.loop_start()
        if not self.connected.wait(TIMEOUT):
            raise RuntimeError("no CONNACK")
        return self.connack

    def subscribe(self, topic, qos):
        _, mid = self.client.subscribe(topic, qos)
        deadline = time.time() + TIMEOUT
        while mid not in self.subacks and time.time() < deadline:
            time.sleep(0.01)
        return self.subacks.get(mid)

    def publish(self, topic, payload, qos, retain=False, properties=None):
        info = self.client.publish(topic, payload, qos=qos, retain=retain, properties=properties)
        info.wait_for_publish(TIMEOUT)
        return info.is_published()

    def wait_messages(self, count):
        with self.message_arrived:
            self.message_arrived.wait_for(lambda: len(self.messages) >= count, TIMEOUT)
        return list(self.messages)

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


result = {"version": version}
subscriber = Client(f"paho-sub-{version}")
publisher = Client(f"paho-pub-{version}")
result["connack"] = subscriber.connect()
publisher.connect()

result["granted"] = [subscriber.subscribe(f"{prefix}/q{qos}", qos) for qos in (0, 1, 2)]
result["published"] = [publisher.publish(f"{prefix}/q{qos}", f"m{qos}", qos) for qos in (0, 1, 2)]
result["messages"] = sorted(subscriber.wait_messages(3), key=lambda m: m["topic"])

publisher.publish(f"{prefix}/retained", "kept", 1, retain=True)
late = Client(f"paho-late-{version}")
late.connect()
late.subscribe(f"{prefix}/retained", 2)
result["retained"] = late.wait_messages(1)
publisher.publish(f"{prefix}/retained", "", 1, retain=True)
late.close()

if protocol == mqtt.MQTTv5:
    subscriber.messages.clear()
    subscriber.subscribe(f"{prefix}/props", 1)
    props = Properties(PacketTypes.PUBLISH)
    props.UserProperty = ("k", "v")
    publisher.publish(f"{prefix}/props", "p", 1, properties=props)
    result["properties"] = subscriber.wait_messages(1)

subscriber.close()
publisher.close()
print(json.dumps(result))
