/**
 * The stream configuration an RP's receiver submits when it creates or replaces its event
 * stream (SSF 1.0 §8.1.1): the receiver-supplied members only — `delivery`,
 * `events_requested`, `description`. Transmitter-supplied members (`stream_id`, `iss`, `aud`,
 * `events_delivered`, a poll `endpoint_url`) are dropped: they come from our records and the
 * authenticated client, never from the body.
 *
 * Stricter than SSF in one place: §8.1.1 says a transmitter MUST ignore requested event
 * types it does not understand; we refuse them (400) so that a typo surfaces at set-up
 * instead of as a stream that silently never delivers.
 *
 * Trust: the body is untrusted. A push `endpoint_url` must be https (loopback http only with
 * `allowInsecureLocalhost`); `authorization_header` is a secret we will replay to that URL,
 * so it is limited to one line of visible ASCII (no header injection) and never logged.
 */
import { z } from 'zod';
import { parseBody } from '../http-errors.ts';
import { endpointUrlProblem } from './endpoint-url.ts';
import { EVENT_CODES, EVENT_TYPE_URIS, type EventCode, type EventTypeUri } from './events.ts';
import { DELIVERY_METHODS, type DeliveryMethod } from './metadata.ts';

export interface StreamConfigOptions {
  /** Accept `http://localhost`, `127.0.0.1` or `[::1]` push URLs (development, tests). */
  allowInsecureLocalhost?: boolean;
  /** The event codes this RP may receive; default all. */
  eventsSupported?: readonly EventCode[];
  /** Default both push and poll. */
  deliveryMethods?: readonly DeliveryMethod[];
}

export type StreamDelivery =
  | { method: typeof DELIVERY_METHODS.push; endpoint_url: string; authorization_header?: string }
  | { method: typeof DELIVERY_METHODS.poll };

export interface StreamConfigRequest {
  delivery: StreamDelivery;
  /** Non-empty, without duplicates. */
  events_requested: EventTypeUri[];
  description?: string;
}

/** The zod schema for a receiver's stream configuration, for these options. */
export function streamConfigSchema(o: StreamConfigOptions = {}): z.ZodType<StreamConfigRequest> {
  const supported: readonly string[] = (o.eventsSupported ?? EVENT_CODES).map((c) => EVENT_TYPE_URIS[c]);
  const methods: readonly string[] = o.deliveryMethods ?? Object.values(DELIVERY_METHODS);
  const urlOptions = { allowInsecureLocalhost: o.allowInsecureLocalhost === true };

  const push = z.object({
    method: z.literal(DELIVERY_METHODS.push),
    endpoint_url: z
      .string()
      .max(2048)
      .superRefine((v, ctx) => {
        const problem = endpointUrlProblem(v, urlOptions);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    authorization_header: z.string().min(1).max(4096).regex(/^[\x20-\x7e]+$/, 'expected one line of visible ASCII').optional(),
  });
  const poll = z.object({ method: z.literal(DELIVERY_METHODS.poll) });

  const config = z.object({
    // SSF 1.0 §8.1.1.1: no `delivery` means poll. (A default skips refinements, hence the
    // method check on the whole object below.)
    delivery: z.discriminatedUnion('method', [push, poll]).default({ method: DELIVERY_METHODS.poll }),
    events_requested: z
      .array(z.string().refine((u) => supported.includes(u), 'unsupported event type'))
      .min(1)
      .max(32)
      .transform((list) => [...new Set(list)] as EventTypeUri[]),
    description: z.string().max(256).optional(),
  });
  return config.refine((c) => methods.includes(c.delivery.method), { path: ['delivery', 'method'], message: 'delivery method not supported' }) as z.ZodType<StreamConfigRequest>;
}

/** Parses a stream configuration body; failure is 400 `invalid_request` naming fields, never values. */
export function parseStreamConfig(body: unknown, o: StreamConfigOptions = {}): StreamConfigRequest {
  return parseBody(streamConfigSchema(o), body);
}
