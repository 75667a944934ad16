/**
 * The bodies of the public API as JSON Schema (2020-12, what OpenAPI 3.1 uses), referenced from
 * the document's `components.schemas`. Requests are described leniently, as the API reads them
 * (unknown fields are ignored); responses exactly, so a test can catch any drift.
 */
type Schema = Record<string, unknown>;

const int = { type: "integer" } as const;
const num = { type: "number" } as const;
const str = { type: "string" } as const;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const SCHEMAS: Readonly<Record<string, Schema>> = {
  ErrorEnvelope: {
    type: "object", additionalProperties: false, required: ["error"],
    description: "Every API error (SPEC §1.6). `details` names what did not parse or validate.",
    properties: {
      error: {
        type: "object", additionalProperties: false, required: ["errors", "code", "message"],
        properties: {
          errors: {
            type: "array", minItems: 1, maxItems: 1,
            items: { type: "object", additionalProperties: false, required: ["domain", "reason", "message"], properties: { domain: str, reason: str, message: str } },
          },
          code: int, message: str,
        },
      },
      details: {
        oneOf: [
          { type: "object", additionalProperties: false, required: ["decode"], properties: { decode: str } },
          { type: "object", additionalProperties: false, required: ["validation"], properties: { validation: { type: "object", additionalProperties: str } } },
        ],
      },
    },
  },
  WifiAccessPoint: {
    type: "object", required: ["macAddress"],
    properties: {
      macAddress: { ...str, description: "BSSID, with or without separators" }, age: { ...int, description: "ms since it was seen" },
      channel: int, frequency: { ...int, description: "MHz" }, signalStrength: { ...num, description: "dBm" }, signalToNoiseRatio: num, ssid: str,
      radioType: { ...str, description: "802.11a/b/g/n/ac/ax/be" },
    },
  },
  CellTower: {
    type: "object",
    properties: {
      radioType: { enum: ["gsm", "wcdma", "lte", "nr"] }, mobileCountryCode: int, mobileNetworkCode: int,
      locationAreaCode: { ...int, description: "LAC or TAC" }, cellId: int, age: int, psc: { ...int, description: "primary scrambling code or PCI" },
      signalStrength: num, timingAdvance: int, asu: int, serving: { enum: [0, 1] },
    },
  },
  BluetoothBeacon: {
    type: "object", required: ["macAddress"], properties: { macAddress: str, age: int, name: str, signalStrength: num },
  },
  LocateRequest: {
    type: "object",
    description: "What the device hears. An empty body locates by the request's IP address.",
    properties: {
      considerIp: { type: "boolean", default: true }, carrier: str, homeMobileCountryCode: int, homeMobileNetworkCode: int,
      radioType: { enum: ["gsm", "wcdma", "lte", "nr"] },
      cellTowers: { type: "array", items: ref("CellTower") }, wifiAccessPoints: { type: "array", items: ref("WifiAccessPoint") },
      bluetoothBeacons: { type: "array", items: ref("BluetoothBeacon") },
      fallbacks: { type: "object", properties: { ipf: { type: "boolean" }, lacf: { type: "boolean" } } },
    },
  },
  LocateResponse: {
    type: "object", additionalProperties: false, required: ["location", "accuracy"],
    properties: {
      location: { type: "object", additionalProperties: false, required: ["lat", "lng"], properties: { lat: num, lng: num } },
      accuracy: { ...num, description: "radius in metres" },
      fallback: { enum: ["ipf", "lacf"], description: "present when the answer came from the IP address or a cell area" },
    },
  },
  RegionResponse: {
    type: "object", additionalProperties: false, required: ["country_code", "country_name"],
    properties: { country_code: { ...str, pattern: "^[A-Z]{2}$" }, country_name: str, fallback: { enum: ["ipf"] } },
  },
  SubmitPosition: {
    type: "object", required: ["latitude", "longitude"],
    properties: {
      latitude: num, longitude: num, accuracy: num, altitude: num, altitudeAccuracy: num, age: int, heading: num, pressure: num, speed: num,
      source: { enum: ["gps", "manual", "fused"] },
    },
  },
  GeosubmitV2Request: {
    type: "object", required: ["items"],
    properties: {
      items: {
        type: "array",
        items: {
          type: "object",
          properties: {
            timestamp: { ...int, description: "ms since the epoch" }, position: ref("SubmitPosition"),
            wifiAccessPoints: { type: "array", items: ref("WifiAccessPoint") }, cellTowers: { type: "array", items: ref("CellTower") },
            bluetoothBeacons: { type: "array", items: ref("BluetoothBeacon") },
          },
        },
      },
    },
  },
  GeosubmitV1Request: {
    type: "object", required: ["items"], description: "The deprecated v1 schema: the v2 fields flattened into each item (`latitude`, `longitude`, …).",
    properties: { items: { type: "array", items: { type: "object" } } },
  },
  SubmitV0Request: {
    type: "object", required: ["items"], description: "The oldest schema, as GeoClue sends it: `lat`, `lon`, `accuracy`, `time`, `wifi`, `cell`, `blue`.",
    properties: { items: { type: "array", items: { type: "object", properties: { lat: num, lon: num, accuracy: num, time: str, wifi: { type: "array" }, cell: { type: "array" } } } } },
  },
  Empty: { type: "object", additionalProperties: false, maxProperties: 0 },
  Heartbeat: {
    type: "object", additionalProperties: false, required: ["database", "geoip", "redis"],
    properties: {
      database: { type: "object", additionalProperties: false, required: ["up", "time", "alembic_version"], properties: { up: { type: ["boolean", "null"] }, time: int, alembic_version: str } },
      geoip: { type: "object", additionalProperties: false, required: ["up", "time", "age_in_days", "version"], properties: { up: { type: ["boolean", "null"] }, time: int, age_in_days: int, version: str } },
      redis: { type: "object", additionalProperties: false, required: ["up", "time"], properties: { up: { type: ["boolean", "null"] }, time: int } },
    },
  },
  LbHeartbeat: { type: "object", additionalProperties: false, required: ["status"], properties: { status: { const: "OK" } } },
  StatsSeries: {
    type: "object", additionalProperties: false, required: ["series"],
    properties: {
      series: {
        type: "array",
        items: {
          type: "object", additionalProperties: false, required: ["title", "data"],
          properties: { title: str, data: { type: "array", items: { type: "array", prefixItems: [int, int], minItems: 2, maxItems: 2, description: "[first of the month in epoch ms, unique stations]" } } },
        },
      },
    },
  },
  EventsPage: {
    type: "object", additionalProperties: false, required: ["events", "next", "more"],
    properties: {
      events: {
        type: "array",
        items: {
          type: "object", additionalProperties: false, required: ["cursor", "id", "partition", "seq", "version"],
          properties: { cursor: str, id: str, partition: int, seq: int, version: int, data: { description: "the report as stored" }, error: str },
        },
      },
      next: { type: ["string", "null"], description: "pass as `after` for the next page" }, more: { type: "boolean" },
    },
  },
};
