import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { rawKey, signRaw, type RawEnvelope, type RawKey } from './rawSigner.js';
import type { FuzzCase } from './fuzzCase.js';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
export const fuzzKeys: RawKey[] = [0, 1, 2].map((i) =>
  rawKey(createHash('sha256').update(`aleph-ts fuzz key ${i}`).digest()),
);

const body = (message: unknown) => JSON.stringify({ message, sync: true });
const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });

interface Base {
  key: RawKey;
  other: RawKey;
  env: RawEnvelope;
  type: string;
  content: Record<string, unknown>;
}

/** A genuine message of one of the fuzz keys: the starting point every mutation works from. */
function base(now: number): fc.Arbitrary<Base> {
  return fc
    .record({
      k: fc.integer({ min: 0, max: 2 }),
      type: fc.constantFrom('POST', 'AGGREGATE'),
      value: fc.jsonValue({ maxDepth: 3, depthSize: 'small' }),
      ago: fc.integer({ min: 0, max: 120_000 }),
      channel: fc.constantFrom('FUZZ', 'TEST', 'fuzz-2'),
    })
    .map(({ k, type, value, ago, channel }) => {
      const key = fuzzKeys[k];
      const time = now - ago / 1000;
      const content: Record<string, unknown> =
        type === 'POST'
          ? { type: 'fuzz', address: key.address, content: value, time }
          : { key: 'fuzz', address: key.address, content: { v: value }, time };
      return {
        key,
        other: fuzzKeys[(k + 1) % 3],
        type,
        content,
        env: signRaw(key, { type, item_content: JSON.stringify(content), channel, time }),
      };
    });
}

const resign = (b: Base, content: unknown, extra: Partial<{ type: string; time: number }> = {}) =>
  signRaw(b.key, {
    type: extra.type ?? b.type,
    item_content: typeof content === 'string' ? content : JSON.stringify(content),
    channel: b.env.channel,
    time: extra.time ?? b.env.time,
  });

const junkValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.string({ maxLength: 50 }),
  fc.constant('x'.repeat(10_000)),
);

function highS(sig: string): string {
  const h = sig.slice(2);
  const s = BigInt('0x' + h.slice(64, 128));
  const v = parseInt(h.slice(128), 16);
  return '0x' + h.slice(0, 64) + (N - s).toString(16).padStart(64, '0') + (v === 27 ? 28 : 27).toString(16);
}

/** Every generator by name; each draws FuzzCases from a seed (fc.sample), so a run is repeatable. */
export function generators(now: number, knownHash: string): Record<string, fc.Arbitrary<FuzzCase>> {
  const b = base(now);
  const post =
    (gen: string) =>
    (x: string | Buffer): FuzzCase => ({ gen, kind: 'post', body: x });
  return {
    valid: b.map((x) => post('valid')(body(x.env))),

    bit_flip: fc.tuple(b, fc.array(fc.nat(), { minLength: 1, maxLength: 4 })).map(([x, at]) => {
      const buf = Buffer.from(body(x.env));
      for (const i of at) buf[i % buf.length] ^= 1 << (i % 8);
      return post('bit_flip')(buf);
    }),

    sender_swap: fc.tuple(b, fc.integer({ min: 0, max: 4 }), hex(40)).map(([x, how, rnd]) => {
      const sender = [
        x.other.address,
        '0x' + rnd,
        '0x' + '0'.repeat(40),
        x.env.sender.toLowerCase().replace('0x', '0X'),
        x.other.address.toLowerCase(),
      ][how];
      return post('sender_swap')(body({ ...x.env, sender }));
    }),

    malleable_signature: fc.tuple(b, b, fc.integer({ min: 0, max: 7 }), hex(130)).map(([x, y, how, rnd]) => {
      const s = x.env.signature;
      const signature = [
        highS(s),
        s.slice(0, -2) + (s.endsWith('1b') ? '1c' : '1b'),
        s.slice(0, -2) + '00',
        s.slice(0, -2),
        s + '00',
        '0x' + '0'.repeat(130),
        y.env.signature,
        '0x' + rnd,
      ][how];
      return post('malleable_signature')(body({ ...x.env, signature }));
    }),

    type_confusion: fc
      .tuple(
        b,
        fc.constantFrom(
          'chain',
          'sender',
          'type',
          'channel',
          'time',
          'item_type',
          'item_content',
          'item_hash',
          'signature',
          '(message)',
          '(content)',
        ),
        junkValue,
      )
      .map(([x, field, v]) => {
        if (field === '(message)') return post('type_confusion')(JSON.stringify({ message: v, sync: true }));
        if (field === '(content)') return post('type_confusion')(body(resign(x, JSON.stringify(v))));
        return post('type_confusion')(body({ ...x.env, [field]: v }));
      }),

    prototype_keys: fc
      .tuple(b, fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.boolean())
      .map(([x, k, inContent]) => {
        const evil = `"${k}":{"polluted":true,"prototype":{"polluted":true},"address":"${x.other.address}"}`;
        if (inContent) {
          const text = JSON.stringify(x.content);
          return post('prototype_keys')(body(resign(x, `{${evil},${text.slice(1)}`)));
        }
        const text = body(x.env);
        return post('prototype_keys')(`{"message":{${evil},${text.slice(12)}`);
      }),

    invalid_utf8: fc
      .tuple(
        b,
        fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf], [0x00]),
        fc.nat(),
        fc.boolean(),
      )
      .map(([x, bytes, at, signed]) => {
        if (signed)
          return post('invalid_utf8')(body(resign(x, { ...x.content, content: 'lone \ud800 surrogate \udfff' })));
        const text = Buffer.from(body(x.env));
        const quote = text.indexOf('"', at % text.length);
        const i = quote < 0 ? 1 : quote + 1;
        return post('invalid_utf8')(Buffer.concat([text.subarray(0, i), Buffer.from(bytes), text.subarray(i)]));
      }),

    deep_nesting: fc
      .tuple(b, fc.integer({ min: 64, max: 20_000 }), fc.constantFrom('array', 'object', 'envelope'))
      .map(([x, depth, how]) => {
        if (how === 'envelope')
          return post('deep_nesting')(`{"message":{"chain":${'['.repeat(depth)}${']'.repeat(depth)}},"sync":true}`);
        const nested =
          how === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
        const text = JSON.stringify({ ...x.content, content: 0 }).replace('"content":0', `"content":${nested}`);
        return post('deep_nesting')(body(resign(x, text)));
      }),

    numbers: fc
      .tuple(
        b,
        fc.constantFrom(
          '1e300',
          '-1',
          '0',
          '1e999',
          '-1e999',
          'NaN',
          '9007199254740993',
          '-0',
          '"1e300"',
          '1e-300',
          '123456789012345678901234567890',
        ),
        fc.constantFrom('envelope', 'content', 'both', 'value'),
      )
      .map(([x, n, where]) => {
        const content = JSON.stringify(
          where === 'value' ? { ...x.content, content: 0 } : { ...x.content, time: 0 },
        ).replace(where === 'value' ? '"content":0' : '"time":0', where === 'value' ? `"content":${n}` : `"time":${n}`);
        const env = where === 'envelope' ? x.env : resign(x, content);
        const text = body({ ...env, time: 0 });
        return post('numbers')(
          where === 'content' || where === 'value'
            ? text.replace('"time":0', `"time":${x.env.time}`)
            : text.replace('"time":0', `"time":${n}`),
        );
      }),

    bad_hashes: fc
      .tuple(
        b,
        fc.constantFrom(
          '../../node/node.sqlite',
          'ZZ' + '0'.repeat(62),
          '0'.repeat(63),
          '0'.repeat(65),
          'QmNotACid',
          '',
          '0x' + '0'.repeat(64),
          'A'.repeat(64),
        ),
        fc.constantFrom('inline', 'storage', 'ipfs'),
        fc.boolean(),
      )
      .map(([x, item_hash, item_type, asStore]) => {
        const content = asStore
          ? { address: x.key.address, time: x.env.time, item_type: 'storage', item_hash, size: 1 }
          : x.content;
        // The signature covers the bad item_hash itself, so only the hash rules can stop it.
        const signed = signRaw(x.key, {
          type: asStore ? 'STORE' : x.type,
          item_content: JSON.stringify(content),
          channel: x.env.channel,
          time: x.env.time,
          item_type,
          item_hash,
        });
        const env = item_type === 'inline' ? signed : { ...signed, item_content: undefined };
        return post('bad_hashes')(body(env));
      }),

    oversize: fc
      .tuple(
        b,
        fc.constantFrom('content', 'channel', 'sender', 'extra', 'body'),
        fc.integer({ min: 200_001, max: 400_000 }),
      )
      .map(([x, what, n]) => {
        if (what === 'content') return post('oversize')(body(resign(x, { ...x.content, content: 'x'.repeat(n) })));
        if (what === 'channel') return post('oversize')(body({ ...x.env, channel: 'C'.repeat(n) }));
        if (what === 'sender') return post('oversize')(body({ ...x.env, sender: '0x' + 'a'.repeat(n) }));
        if (what === 'extra') return post('oversize')(body({ ...x.env, extra: 'e'.repeat(n) }));
        return post('oversize')(body({ ...x.env, item_content: 'b'.repeat(n * 22) }));
      }),

    impersonation: fc.tuple(b, fc.constantFrom('POST', 'AGGREGATE', 'FORGET')).map(([x, type]) => {
      const content =
        type === 'FORGET'
          ? { address: x.other.address, time: x.env.time, hashes: [knownHash], reason: 'fuzz' }
          : { ...x.content, address: x.other.address };
      return post('impersonation')(body(resign(x, content, { type })));
    }),

    query_strings: fc
      .tuple(
        fc.constantFrom(
          '/api/v0/messages.json',
          '/api/v0/posts.json',
          `/api/v0/aggregates/${fuzzKeys[0].address}.json`,
          `/api/v0/messages/${knownHash}`,
          '/api/v0/programs/' + knownHash,
        ),
        fc.array(
          fc.tuple(
            fc.constantFrom(
              'pagination',
              'page',
              'addresses',
              'hashes',
              'msgType',
              'msgTypes',
              'channels',
              'startDate',
              'endDate',
              'sort_order',
              'refs',
              'owners',
              'contentTypes',
              '__proto__',
              'constructor',
            ),
            fc.oneof(
              fc.constantFrom(
                '-1',
                'abc',
                '1e300',
                '0',
                'NaN',
                '',
                '1.5',
                '-0',
                'Infinity',
                '99999999999999999999',
                '%00',
                '%ZZ',
                '[]',
                '{}',
              ),
              fc
                .integer({ min: 1, max: 300 })
                .map((n) => Array.from({ length: n }, (_, i) => fuzzKeys[i % 3].address).join(',')),
              fc.string({ maxLength: 30 }).map(encodeURIComponent),
            ),
          ),
          { minLength: 1, maxLength: 4 },
        ),
      )
      .map(([path, params]) => ({
        gen: 'query_strings',
        kind: 'get',
        path: `${path}?${params.map(([k, v]) => `${k}=${v}`).join('&')}`,
      })),

    websocket_junk: fc
      .tuple(
        fc.constantFrom('/api/ws0/messages', '/api/ws0/programs'),
        fc.constantFrom(
          '',
          '?history=199',
          '?history=200',
          '?history=-1',
          '?history=abc',
          '?history=1&history=2',
          '?addresses=' + 'a,'.repeat(200),
          '?msgType=%00',
          '?msgType[]=POST',
        ),
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 100 }),
            fc.uint8Array({ maxLength: 100 }).map((a) => Buffer.from(a)),
            fc.constant(Buffer.alloc(70_000)),
          ),
          { maxLength: 3 },
        ),
      )
      .map(([path, q, frames]) => ({ gen: 'websocket_junk', kind: 'ws', path: path + q, frames })),
  };
}
