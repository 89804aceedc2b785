/**
 * Reading a failure: what n8n's HTTP layer (or the credential) threw for a
 * Zoho request, read once, where the request fails, into one plain value
 * that the rate governor, the error messages and the trigger all use.
 * Phrasing it for a person is errors.ts.
 */
import { RATE_LIMIT_HEADERS, ZOHO_ERROR_CODES } from './zoho';

export function asRecord(value: unknown): Record<string, unknown> | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

type RateLimitKind = 'daily' | 'perWindow' | 'simultaneous';

export interface RateLimitReading {
	kind: RateLimitKind;
	/** False when only Zoho's code says so (45 is reported both ways): the node confirms it first. */
	certain: boolean;
}

/** What went wrong, as it came: status, body, headers, network code, or a failure's own words. */
interface FailureParts {
	status?: number;
	body?: unknown;
	headers?: Record<string, unknown>;
	/** Node's network error code, e.g. ECONNREFUSED. */
	networkCode?: string;
	reason?: string;
	/** A failure before any request, e.g. the credential could not get a token: its own words. */
	message?: string;
	description?: string;
}

/**
 * What went wrong, as plain values, and what it means. Never the HTTP error
 * itself: that one carries the request's headers, access token included.
 */
export interface ZohoFailure extends FailureParts {
	/** Which of Zoho's limits it hit, if any. */
	rateLimit?: RateLimitReading;
	/** Zoho said the record asked for does not exist. */
	noSuchRecord: boolean;
	/** Zoho refused the token for what the request does: it lacks the scope. */
	scopeRefused: boolean;
}

/** A failure from its parts, read for what it means. */
export function zohoFailure(parts: FailureParts): ZohoFailure {
	return {
		...parts,
		rateLimit: rateLimitOf(parts),
		noSuchRecord: saysNoSuchRecord(parts),
		scopeRefused: asRecord(parts.body)?.code === ZOHO_ERROR_CODES.notAuthorized,
	};
}

/**
 * A Zoho request that failed, as the rate governor throws it: the reading of
 * the failure, and nothing of the HTTP error.
 */
export class ZohoRequestFailed extends Error {
	constructor(readonly failure: ZohoFailure) {
		super(failure.message ?? 'The request to Zoho failed');
	}
}

/** The failure an error stands for: read once where the request failed, or now for anything else. */
export function readFailure(error: unknown): ZohoFailure {
	if (error instanceof ZohoRequestFailed || error instanceof RateLimitWaitExceeded)
		return error.failure;
	return zohoFailure(failureParts(error));
}

/** n8n 1.x and 2.x wrap HTTP failures differently; dig out status, body, headers and network code. */
function failureParts(error: unknown): FailureParts {
	const outer = asRecord(error) ?? {};
	const cause = asRecord(outer.cause) ?? {};
	const response = asRecord(cause.response) ?? asRecord(outer.response) ?? {};
	const context = asRecord(outer.context) ?? {};
	const statusText = String(outer.httpCode ?? response.status ?? cause.status ?? '');
	const status = /^\d{3}$/.test(statusText) ? Number(statusText) : undefined;
	// n8n 1.x leaves the network code in httpCode.
	const networkCode = [cause.code, outer.code, asRecord(cause.cause)?.code, outer.httpCode].find(
		(code): code is string => typeof code === 'string' && /^E[A-Z_]+$/.test(code),
	);
	return {
		status,
		body: response.data ?? response.body ?? context.data,
		headers: asRecord(response.headers),
		networkCode,
		reason: typeof cause.message === 'string' ? cause.message : undefined,
		message: typeof outer.message === 'string' ? outer.message : undefined,
		description: typeof outer.description === 'string' ? outer.description : undefined,
	};
}

/**
 * Zoho saying the record asked for does not exist: its "does not exist"
 * code, or a 404 in Zoho's JSON whose message says so. Anything else (a
 * gateway's 404, "Invalid URL Passed", a page that is not JSON) proves
 * nothing: the trigger reports a departure on this alone.
 */
function saysNoSuchRecord(failure: FailureParts): boolean {
	const body = asRecord(failure.body);
	if (body?.code === ZOHO_ERROR_CODES.recordMissing) return true;
	return (
		failure.status === 404 &&
		typeof body?.code === 'number' &&
		body.code !== 0 &&
		typeof body.message === 'string' &&
		/does not exist/i.test(body.message)
	);
}

/** Zoho's "does not exist" code in an answer that came with a 2xx status. */
export function answerSaysNoSuchRecord(body: unknown): boolean {
	return saysNoSuchRecord({ body });
}

/** What Zoho's X-Rate-Limit-* headers say of the daily quota, when it sends them (zoho.ts). */
interface DailyQuota {
	limit: number;
	remaining: number;
	/** Seconds until the quota resets; reported untrustworthy when 0. */
	resetsInSeconds?: number;
}

export function dailyQuotaOf(headers: Record<string, unknown> | undefined): DailyQuota | undefined {
	const header = (name: string) => {
		const entry = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name);
		const text = String(entry?.[1] ?? '').trim();
		return /^\d+$/.test(text) ? Number(text) : undefined;
	};
	const limit = header(RATE_LIMIT_HEADERS.dailyQuota);
	const remaining = header(RATE_LIMIT_HEADERS.remainingToday);
	if (limit === undefined || remaining === undefined) return undefined;
	const reset = header(RATE_LIMIT_HEADERS.secondsUntilReset);
	return { limit, remaining, resetsInSeconds: reset ? reset : undefined };
}

/** Which limit Zoho's message names, if it names one. */
function limitNamedBy(message: string): RateLimitKind | undefined {
	if (/\bminutes?\b/i.test(message)) return 'perWindow';
	if (/\bdays?\b|\bdaily\b/i.test(message)) return 'daily';
	if (/concurren|simultaneous/i.test(message)) return 'simultaneous';
	return undefined;
}

const RATE_LIMIT_CODES = new Set<unknown>([
	ZOHO_ERROR_CODES.perMinuteLimit,
	ZOHO_ERROR_CODES.dailyLimit,
	ZOHO_ERROR_CODES.simultaneousLimit,
]);

/**
 * Which of Zoho's limits a failure hit, if any. Zoho's codes are reported
 * inconsistently (zoho.ts), so the message decides first; then the quota
 * headers, when Zoho sends them; the code only when neither says anything,
 * and 45 alone is only a suspicion of the daily quota.
 */
function rateLimitOf(failure: FailureParts): RateLimitReading | undefined {
	const body = asRecord(failure.body);
	if (failure.status !== 429 && !RATE_LIMIT_CODES.has(body?.code)) return undefined;
	const named = limitNamedBy(typeof body?.message === 'string' ? body.message : '');
	if (named) return { kind: named, certain: true };
	const quota = dailyQuotaOf(failure.headers);
	if (quota && quota.remaining === 0) return { kind: 'daily', certain: true };
	if (body?.code === ZOHO_ERROR_CODES.simultaneousLimit)
		return { kind: 'simultaneous', certain: true };
	if (body?.code === ZOHO_ERROR_CODES.dailyLimit && !quota)
		return { kind: 'daily', certain: false };
	return { kind: 'perWindow', certain: true };
}

/** Zoho's daily quota is used up, surely (its message, or X-Rate-Limit-Remaining 0). */
export function usedUpDailyQuota(failure: ZohoFailure): boolean {
	return failure.rateLimit?.kind === 'daily' && failure.rateLimit.certain;
}

/** Why the node stopped waiting for Zoho's limits; every call of the organization then fails at once. */
export type GaveUp =
	/** Zoho refused every call of the organization for this long: the circuit is open. */
	| { reason: 'refusing'; refusedForMs: number; nextProbeInMs: number }
	/** Zoho's Retry-After asked for longer than the node waits. */
	| { reason: 'retryAfter'; retryAfterMs: number; maxWaitMs: number }
	/** The daily quota is used up (Zoho said so, or its X-Rate-Limit-Remaining was 0). */
	| { reason: 'dailyQuota'; quota?: DailyQuota }
	/** This one request was refused this many times. */
	| { reason: 'refusedTooOften'; refusals: number };

/** The node stopped waiting out Zoho's limits for one of the reasons above. */
export class RateLimitWaitExceeded extends Error {
	constructor(
		readonly failure: ZohoFailure,
		readonly gaveUp: GaveUp,
	) {
		super(`The node stopped waiting out Zoho's rate limits (${gaveUp.reason})`);
	}
}
