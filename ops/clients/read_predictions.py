#!/usr/bin/env python3
"""Read KATO's output topics from Python: kato.predictions (default) or kato.dead-letters.

Prints one line of JSON per record, in the shape KATO_OUTPUT_FORMAT=json writes, whatever format
the topology was started with:

* JSON values (KATO_OUTPUT_FORMAT=json) are printed as they are;
* Avro values (the default) are in Avro *single-object encoding*: the two bytes C3 01, the 8-byte
  little-endian CRC-64-AVRO fingerprint of the writer schema's parsing canonical form, then the
  Avro binary body. The writer schema is looked up by that fingerprint among the shipped schema
  versions (schemas/src/main/resources/schema-history/<Record>/v<N>.avsc, each self-contained)
  and resolved against the record's newest version, so records written by older releases decode too.

Needs librdkafka's Python client and Avro: `apt-get install python3-confluent-kafka python3-avro`
(or `pip install confluent-kafka avro`). Reads committed records only (librdkafka's default
isolation.level=read_committed), so records of aborted transactions never show.

    python3 ops/clients/read_predictions.py --from-beginning --max 10
    python3 ops/clients/read_predictions.py --topic kato.dead-letters --from-beginning
"""
import argparse
import base64
import datetime
import io
import json
import math
import os
import sys
import uuid

import avro.io
import avro.schema

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMAS = os.path.join(HERE, "..", "..", "schemas", "src", "main", "resources", "schema-history")

# ---------------------------------------------------------------- single-object encoding

MAGIC = b"\xc3\x01"
HEADER = 10  # 2 marker bytes + 8 fingerprint bytes

_EMPTY = 0xC15D213AA4D7A795  # CRC-64-AVRO (Rabin) of the empty string, per the Avro specification
_TABLE = []
for _i in range(256):
    _fp = _i
    for _ in range(8):
        _fp = (_fp >> 1) ^ (_EMPTY & -(_fp & 1))
    _TABLE.append(_fp)


def crc64_avro(data: bytes) -> int:
    """The 64-bit Rabin fingerprint Avro uses for schemas (an unsigned int)."""
    fp = _EMPTY
    for b in data:
        fp = (fp >> 8) ^ _TABLE[(fp ^ b) & 0xFF]
    return fp


_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


def canonical_form(schema, namespace="", seen=None) -> str:
    """Avro's Parsing Canonical Form of a schema given as parsed JSON (the specification's rules:
    full names, only name/type/fields/symbols/items/values/size in that order, attributes such as
    logicalType and doc dropped, a named type written in full once and by name afterwards).
    Written here rather than taken from python3-avro, whose 1.11 release keeps {"type": "long"}
    for a logical type where the specification and the Java library write "long"."""
    seen = set() if seen is None else seen
    if isinstance(schema, list):
        return "[" + ",".join(canonical_form(s, namespace, seen) for s in schema) + "]"
    if isinstance(schema, str):
        if schema in _PRIMITIVES:
            return json.dumps(schema)
        return json.dumps(schema if "." in schema or not namespace else namespace + "." + schema)
    t = schema["type"]
    if not isinstance(t, str) or t in _PRIMITIVES:
        return canonical_form(t, namespace, seen)
    if t == "array":
        return '{"type":"array","items":%s}' % canonical_form(schema["items"], namespace, seen)
    if t == "map":
        return '{"type":"map","values":%s}' % canonical_form(schema["values"], namespace, seen)
    name = schema["name"]
    if "." not in name:
        ns = schema.get("namespace", namespace)
        name = ns + "." + name if ns else name
    if name in seen:
        return json.dumps(name)
    seen.add(name)
    inner = name.rsplit(".", 1)[0] if "." in name else ""
    parts = ['"name":' + json.dumps(name), '"type":' + json.dumps(t)]
    if t in ("record", "error"):
        parts.append('"fields":[' + ",".join(
            '{"name":%s,"type":%s}' % (json.dumps(f["name"]), canonical_form(f["type"], inner, seen))
            for f in schema["fields"]) + "]")
    elif t == "enum":
        parts.append('"symbols":' + json.dumps(schema["symbols"], separators=(",", ":")))
    elif t == "fixed":
        parts.append('"size":%d' % schema["size"])
    return "{" + ",".join(parts) + "}"


def schema_fingerprint(schema_json) -> int:
    return crc64_avro(canonical_form(schema_json).encode("utf-8"))


class SchemaHistory:
    """Every shipped schema version, by fingerprint; the newest version of each record as reader."""

    def __init__(self, directory):
        self.by_fingerprint = {}
        self.newest = {}
        with open(os.path.join(directory, "index.txt"), encoding="utf-8") as index:
            for line in index:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                with open(os.path.join(directory, line), encoding="utf-8") as f:
                    text = f.read()
                schema = avro.schema.parse(text)
                self.by_fingerprint[schema_fingerprint(json.loads(text))] = schema
                self.newest[schema.fullname] = schema  # the index lists versions oldest first

    def decode(self, value: bytes):
        """(schema, datum) of a single-object encoded value; ValueError when it is not one we know."""
        if len(value) < HEADER or value[:2] != MAGIC:
            raise ValueError("not Avro single-object encoding (no C3 01 header)")
        fingerprint = int.from_bytes(value[2:HEADER], "little")
        writer = self.by_fingerprint.get(fingerprint)
        if writer is None:
            raise ValueError("unknown writer schema fingerprint %016x (written by a newer release?)" % fingerprint)
        reader = self.newest[writer.fullname]
        datum = avro.io.DatumReader(writer, reader).read(avro.io.BinaryDecoder(io.BytesIO(value[HEADER:])))
        return reader, datum


# ---------------------------------------------------------------- natural JSON (as KATO_OUTPUT_FORMAT=json)


def _iso_z(t):
    if isinstance(t, (int, float)):
        t = datetime.datetime.fromtimestamp(t / 1000.0, tz=datetime.timezone.utc)
    t = t.astimezone(datetime.timezone.utc)
    text = t.strftime("%Y-%m-%dT%H:%M:%S")
    if t.microsecond:
        text += ".%06d" % t.microsecond
    return text + "Z"


def _float(d):
    if math.isnan(d):
        return "NaN"
    if math.isinf(d):
        return "Infinity" if d > 0 else "-Infinity"
    return d


def natural(schema, datum):
    """The value as KATO's JSON output writes it: schema-driven, like KatoJson on the Java side."""
    t = schema.type
    if t == "record":
        out = {}
        for field in schema.fields:
            v = datum.get(field.name)
            if field.get_prop("kato.json") == "text" and field.name.endswith("_json"):
                out[field.name[: -len("_json")]] = _json_text(v)
            else:
                out[field.name] = natural(field.type, v)
        return out
    if t == "union":
        if datum is None:
            return None
        branches = [s for s in schema.schemas if s.type != "null"]
        for s in branches:
            if s.validate(datum):
                value = natural(s, datum)
                if s.type == "record" and sum(1 for b in branches if b.type == "record") > 1:
                    value = dict([("type", s.name)] + list(value.items()))
                return value
        return natural(branches[0], datum)
    if t == "array":
        return [natural(schema.items, x) for x in datum]
    if t == "map":
        return {k: natural(schema.values, v) for k, v in datum.items()}
    if t in ("bytes", "fixed"):
        return base64.b64encode(datum).decode("ascii")
    if t in ("double", "float"):
        return _float(datum)
    if schema.get_prop("logicalType") == "timestamp-millis" or isinstance(datum, datetime.datetime):
        return _iso_z(datum)
    return datum


def _json_text(v):
    if v is None:
        return None
    if isinstance(v, list):
        return [_json_text(x) for x in v]
    try:
        return json.loads(v)
    except ValueError:
        return v


def to_json_line(history: SchemaHistory, value) -> str:
    """One record value as one compact JSON line (the same bytes KATO_OUTPUT_FORMAT=json would write)."""
    if value is None:
        return "null"
    if value[:2] == MAGIC:
        schema, datum = history.decode(value)
        obj = natural(schema, datum)
    else:
        obj = json.loads(value.decode("utf-8"))
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


# ---------------------------------------------------------------- consumer


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"))
    p.add_argument("--topic", default="kato.predictions")
    p.add_argument("--from-beginning", action="store_true", help="read the whole topic, not only new records")
    p.add_argument("--max", type=int, default=0, help="stop after this many records (0: never)")
    p.add_argument("--idle-exit", type=float, default=0, help="stop after this many seconds without a record (0: never)")
    p.add_argument("--schemas", default=DEFAULT_SCHEMAS, help="the schema-history directory (with index.txt)")
    args = p.parse_args(argv)

    from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING, OFFSET_END

    history = SchemaHistory(args.schemas)
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": "kato-reader-" + uuid.uuid4().hex,  # required by the client; offsets are never committed
        "enable.auto.commit": False,
        "isolation.level": "read_committed",  # librdkafka's default, spelled out
    })
    try:
        metadata = consumer.list_topics(args.topic, timeout=15)
        topic = metadata.topics.get(args.topic)
        if topic is None or topic.error is not None or not topic.partitions:
            print("read_predictions: topic %s does not exist at %s" % (args.topic, args.bootstrap), file=sys.stderr)
            return 1
        start = OFFSET_BEGINNING if args.from_beginning else OFFSET_END
        consumer.assign([TopicPartition(args.topic, p, start) for p in sorted(topic.partitions)])
        printed, idle = 0, 0.0
        while args.max == 0 or printed < args.max:
            msg = consumer.poll(0.5)
            if msg is None:
                idle += 0.5
                if args.idle_exit and idle >= args.idle_exit:
                    break
                continue
            if msg.error():
                if msg.error().code() == msg.error()._PARTITION_EOF:
                    continue
                print("read_predictions: %s" % msg.error(), file=sys.stderr)
                continue
            idle = 0.0
            try:
                line = to_json_line(history, msg.value())
            except ValueError as e:
                print("read_predictions: %s[%d]@%d: %s" % (msg.topic(), msg.partition(), msg.offset(), e), file=sys.stderr)
                continue
            print(line, flush=True)
            printed += 1
    finally:
        consumer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
