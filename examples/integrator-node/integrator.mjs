// A reference integrator for Samlad in Node.js: no Samlad code, only a NATS client (nats.js),
// a JSON Schema validator (ajv) and the published contracts. It does what docs/integrating.md
// tells an agency system to do, in order:
//
//   1. connect with the agency's nkey seed and inbox prefix;
//   2. compute a person reference at the edge (HMAC-SHA256 of the personnummer);
//   3. publish a CloudEvent on the agency's own subject, validated first, Nats-Msg-Id = id,
//      and publish it again to show that a retry with the same id is a duplicate;
//   4. receive the alert it raised on the agency's durable consumer alerts-<agency>, and
//      live on the subjects the AsyncAPI document gives the agency;
//   5. publish a message the contract refuses and read it back from deadletters-<agency>
//      (and live), with the reason word Samlad gave.
//
// Settings come from the environment, as `eval "$(samlad connection af)"` sets them.
// Every step prints one JSON line on stdout.

import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { connect, headers, nkeyAuthenticator } from "nats";

const env = process.env;
const agency = required("SAMLAD_AGENCY");
// The published contracts: the coordination service serves them (`<url>/contracts`), and a
// checkout has them in contracts/published.
const contracts = env.SAMLAD_CONTRACTS
  ?? fileURLToPath(new URL("../../contracts/published", import.meta.url));
const waitMs = Number(env.SAMLAD_WAIT_SECONDS ?? "30") * 1000;

function required(name) {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set; run: eval "$(samlad connection <agency>)"`);
  return value;
}

function say(step, fields) {
  console.log(JSON.stringify({ step, ...fields }));
}

// --- the contract: one JSON Schema (draft 2020-12) per CloudEvents type -------------------

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validators = new Map();

async function contract(path) {
  const where = `${contracts}/${path}`;
  if (!/^https?:/.test(contracts)) return JSON.parse(readFileSync(where, "utf8"));
  const response = await fetch(where);
  if (!response.ok) throw new Error(`GET ${where}: ${response.status}`);
  return response.json();
}

const schemaOf = (type) => contract(`schemas/${type}.json`);

async function problems(message) {
  if (!validators.has(message.type)) {
    validators.set(message.type, ajv.compile(await schemaOf(message.type)));
  }
  const validate = validators.get(message.type);
  return validate(message) ? [] : validate.errors.map((e) => `${e.instancePath} ${e.message}`);
}

// --- person references: computed at your edge, never a personnummer on the bus ------------

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

function base32(bytes) {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + BASE32[(value << (5 - bits)) & 31] : out;
}

export function personRef(key, personnummer) {
  const match = /^(?:19|20)?(\d{6})[-+]?(\d{4})$/.exec(personnummer.replace(/\s/g, ""));
  if (!match) throw new Error("expected YYYYMMDD-NNNN or YYMMDD-NNNN");
  const digits = match[1] + match[2];
  const luhn = [...digits.slice(0, 9)].reduce((sum, char, i) => {
    const doubled = Number(char) * (i % 2 === 0 ? 2 : 1);
    return sum + (doubled > 9 ? doubled - 9 : doubled);
  }, 0);
  if ((10 - (luhn % 10)) % 10 !== Number(digits[9])) throw new Error("wrong check digit");
  const digest = createHmac("sha256", key).update(digits).digest();
  return "p" + base32(digest).slice(0, 26);
}

// --- messages: structured-mode CloudEvents on samlad.<agency>.<event-name>.v<N>.<person_ref>

function cloudEvent(type, ref, data, effectiveAt) {
  const now = new Date().toISOString();
  return {
    id: randomUUID(), // in production: derived from your own record of the fact (uuid5)
    source: `urn:samlad:${agency}:node-example`,
    specversion: "1.0",
    type,
    subject: ref,
    time: now,
    datacontenttype: "application/json",
    dataschema: `https://samlad.se/contracts/schemas/${type}.json`,
    data: { person_ref: ref, effective_at: effectiveAt, recorded_at: now, ...data },
  };
}

function parsed(message) {
  try {
    return message.json();
  } catch {
    return {}; // a dead letter may be anything a publisher sent, JSON or not
  }
}

function subjectOf(message) {
  const [, , owner, name, version] = message.type.split(".");
  return `samlad.${owner}.${name}.${version}.${message.subject}`;
}

async function publish(js, message) {
  const h = headers();
  h.set("Content-Type", "application/cloudevents+json");
  // msgID sets the Nats-Msg-Id header: the same id on every retry.
  const ack = await js.publish(subjectOf(message), JSON.stringify(message), {
    msgID: message.id, headers: h,
  });
  return { subject: subjectOf(message), id: message.id, seq: ack.seq, duplicate: ack.duplicate };
}

// --- receiving live: the subjects the AsyncAPI document gives this agency ----------------

// The addresses of this agency's own alert and dead-letter channels, parameters expanded:
// a person_ref is any token, the recipients are the tokens that name this agency.
async function liveSubjects() {
  const { channels } = await contract("asyncapi.json");
  const own = [`alerts.${agency}.alert-raised.v1`, `deadletters.${agency}.coordination`];
  return own.flatMap((key) => {
    const { address, parameters = {} } = channels[key];
    const recipients = parameters.recipients?.enum ?? [""];
    return recipients.map((token) =>
      address.replace("{person_ref}", "*").replace("{recipients}", token));
  });
}

// Core NATS, no stream: only what arrives while connected. Resolves with the first message
// `matches` accepts; a subject the broker refuses rejects it (permissions violation).
function firstLive(nc, subjects, matches) {
  return new Promise((resolve, reject) => {
    for (const subject of subjects) {
      nc.subscribe(subject, {
        callback: (error, message) => {
          if (error) reject(new Error(`live ${subject}: ${error.message}`));
          else if (matches(message)) resolve(message);
        },
      });
    }
  });
}

// --- receiving: bind the durable consumers the operator created; never create one ---------

async function firstMatching(js, stream, durable, matches) {
  const consumer = await js.consumers.get(stream, durable);
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const message = await consumer.next({ expires: 1000 });
    if (message === null) continue;
    // A real system handles every message before acking it; this example acks the others
    // unread so that they are not redelivered to it.
    message.ack();
    if (matches(message)) return message;
  }
  throw new Error(`nothing on ${durable} within ${waitMs / 1000} s`);
}

function withTimeout(promise, what) {
  const timeout = new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`no ${what} within ${waitMs / 1000} s`)), waitMs).unref());
  return Promise.race([promise, timeout]);
}

async function main() {
  const nc = await connect({
    servers: required("SAMLAD_NATS_URL").split(","),
    authenticator: nkeyAuthenticator(new TextEncoder().encode(
      readFileSync(required("SAMLAD_NATS_SEED"), "utf8").trim())),
    inboxPrefix: env.SAMLAD_NATS_INBOX_PREFIX ?? `_INBOX_${agency}`,
  });
  nc.closed().then((error) => error && console.error(`connection closed: ${error.message}`));
  const js = nc.jetstream();
  say("connected", { server: nc.getServer(), agency, contracts });

  const key = readFileSync(required("SAMLAD_PSEUDONYM_KEY"));
  const ref = personRef(key, env.SAMLAD_PERSONNUMMER ?? "19811218-9876");
  say("person", { person_ref: ref });

  const subjects = await liveSubjects();
  const liveAlert = firstLive(nc, subjects.filter((subject) => subject.includes(".coordination.")),
    (m) => parsed(m).subject === ref);
  await nc.flush(); // the subscriptions are in place before anything is published
  say("subscribed", { subjects });

  // A hand-off to another agency, dated long enough ago that nobody has answered in time:
  // the coordination raises an alert to both agencies at once.
  const to = agency === "fk" ? "af" : "fk";
  const handOff = cloudEvent(`se.samlad.${agency}.hand-off-requested.v1`, ref, {
    hand_off_id: randomUUID(), to_agency: to, reason: "Behöver stöd att söka arbete.",
  }, "2025-03-03T08:00:00Z");
  const refused = await problems(handOff);
  if (refused.length > 0) throw new Error(`our own message breaks its schema: ${refused}`);
  say("published", await publish(js, handOff));
  say("retried", await publish(js, handOff)); // a timed-out publish is retried like this

  const alert = await firstMatching(js, "SAMLAD_EVENTS", `alerts-${agency}`, (m) => {
    const event = parsed(m);
    return event.subject === ref && event.data.rule === "hand_off_unanswered";
  });
  const raised = alert.json();
  const live = await withTimeout(liveAlert, "the live alert");
  say("live-alert", { subject: live.subject, id: parsed(live).id, durable_id: raised.id });
  say("alert", {
    subject: alert.subject, type: raised.type, rule: raised.data.rule,
    agencies: raised.data.agencies, message: raised.data.message, problems: await problems(raised),
  });

  // A message that breaks the contract (no to_agency): the schema says so before sending;
  // sent anyway, Samlad dead-letters it with a reason, which only this agency can read.
  const broken = cloudEvent(`se.samlad.${agency}.hand-off-requested.v1`, ref, {
    hand_off_id: randomUUID(), reason: "Saknar mottagare.",
  }, new Date().toISOString());
  say("refused-locally", { id: broken.id, problems: await problems(broken) });
  const liveLetter = firstLive(nc, subjects.filter((subject) => subject.includes(".deadletter.")),
    (m) => parsed(m).id === broken.id);
  await nc.flush();
  say("published", await publish(js, broken));

  const letter = await firstMatching(js, "SAMLAD_DEADLETTER", `deadletters-${agency}`,
    (m) => parsed(m).id === broken.id);
  const reason = letter.headers.get("Samlad-Reason");
  const heard = await withTimeout(liveLetter, "the live dead letter");
  say("live-dead-letter", { subject: heard.subject, id: parsed(heard).id });
  say("dead-letter", {
    subject: letter.subject, id: parsed(letter).id, reason_word: reason.split(":")[0], reason,
    original_subject: letter.headers.get("Samlad-Original-Subject"),
    original_sequence: letter.headers.get("Samlad-Original-Sequence"),
  });
  await nc.drain();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
