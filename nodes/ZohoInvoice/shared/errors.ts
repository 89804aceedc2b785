import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import {
	RATE_LIMIT_HEADERS,
	SETTINGS_ALL_SCOPE,
	USERS_SCOPES,
	ZOHO_ERROR_CODES,
	ZOHO_LIMITS,
} from './zoho';

/**
 * What went wrong, as plain values. Never the HTTP error itself: that one
 * carries the request's headers, access token included.
 */
export interface ZohoFailure {
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

/** What the message should name besides the failure itself. */
export interface FailureContext {
	/** The API host the request went to. */
	host: string;
	/** What the operation acts on, for "no such …" (e.g. "user"). */
	noun: string;
	itemIndex?: number;
	/** False when the node was told not to wait out Zoho's rate limits. */
	waitsOutRateLimits?: boolean;
	/** The credential type signing the request, for how to grant a missing scope. */
	credentialType?: string;
	/** The operation (e.g. "Mark Inactive") and the scopes its requests need, for a refused scope. */
	operation?: string;
	scopes?: readonly string[];
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

/** n8n 1.x and 2.x wrap HTTP failures differently; dig out status, body, headers and network code. */
export function readHttpFailure(error: unknown): ZohoFailure {
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
export function isNoSuchRecord(failure: ZohoFailure): boolean {
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

/**
 * An error on its way out of the node: the node's own as they are (told by
 * name, as n8n's WorkflowExecute tells them), anything else wrapped as n8n
 * expects.
 */
export function asNodeError(node: INode, error: unknown): Error {
	if (error instanceof Error && ['NodeApiError', 'NodeOperationError'].includes(error.name))
		return error;
	return new NodeOperationError(node, error instanceof Error ? error : String(error));
}

/** Zoho's "You are not authorized to perform this operation": the token lacks the request's scope. */
export function isScopeRefusal(error: unknown): boolean {
	return asRecord(readHttpFailure(error).body)?.code === ZOHO_ERROR_CODES.notAuthorized;
}

export type RateLimitKind = 'daily' | 'perWindow' | 'simultaneous';

export interface RateLimitReading {
	kind: RateLimitKind;
	/** False when only Zoho's code says so (45 is reported both ways): the node confirms it first. */
	certain: boolean;
}

/** What Zoho's X-Rate-Limit-* headers say of the daily quota, when it sends them (zoho.ts). */
export interface DailyQuota {
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
export function rateLimitOf(failure: ZohoFailure): RateLimitReading | undefined {
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

function isDailyQuota(failure: ZohoFailure): boolean {
	const reading = rateLimitOf(failure);
	return reading?.kind === 'daily' && reading.certain;
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

/** "5 min", "24 h", "9 h 41 min", "1.5 s": how long, as a person says it. */
function duration(ms: number): string {
	const seconds = Math.max(ms, 0) / 1000;
	if (seconds < 10) return `${Math.round(seconds * 10) / 10} s`;
	if (seconds < 60) return `${Math.round(seconds)} s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) {
		const rest = Math.round(seconds - minutes * 60);
		return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
	}
	const hours = Math.floor(minutes / 60);
	return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

const DAILY_QUOTA_GUIDANCE = `The organization's daily API quota is used up: Zoho allows each organization a number of API calls a day by plan (${ZOHO_LIMITS.dailyCallsOnFree.toLocaleString('en-US')} on Free), shared by every integration of the organization, and resets it daily. Nothing more can be done through the API until then; upgrade the Zoho plan for a larger quota.`;

const DAILY_QUOTA_MESSAGE = "Zoho Invoice's daily API quota for this organization is used up";

/** "A, B and C". */
function listed(items: readonly string[]): string {
	return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : items.join('');
}

/** How the token gets a scope it lacks: it has the scopes its credential was granted. */
function howToGrant(credentialType: string | undefined): string {
	const selfClient = `For a Self Client, generate a new grant code with scope ${SETTINGS_ALL_SCOPE} (Zoho API Console → Self Client → Generate Code), exchange it for a refresh token and put that in the credential's Refresh Token.`;
	const oAuth2 = `For OAuth2, open the credential, click Connect my account again and accept: it asks Zoho for ${listed(Object.values(USERS_SCOPES))}.`;
	if (credentialType === 'zohoInvoiceApi') return selfClient;
	if (credentialType === 'zohoInvoiceOAuth2Api') return oAuth2;
	return `${selfClient} ${oAuth2}`;
}

/** Zoho refused the request as one the token may not make: it lacks the scope. */
function scopeGuidance(context: FailureContext): string {
	const { operation, scopes } = context;
	const needs = scopes?.length
		? scopes.length === 1
			? `${operation ?? 'This operation'} needs the scope ${scopes[0]}, which this token was not granted.`
			: `${operation ?? 'This operation'} needs the scopes ${listed(scopes)}, and this token lacks one of them.`
		: `The token lacks the scope this request needs: ${USERS_SCOPES.read} to list or get users, ${USERS_SCOPES.create} to create, invite, mark active or inactive, ${USERS_SCOPES.update} to update, ${USERS_SCOPES.delete} to delete.`;
	return `${needs} ${howToGrant(context.credentialType)}`;
}

/** What a no-code user should do about each HTTP status Zoho answers with. */
function guidance(failure: ZohoFailure, context: FailureContext): string {
	const { host, noun } = context;
	// Zoho's answer to a request the token has no scope for: a new token would be refused the same way.
	if (asRecord(failure.body)?.code === ZOHO_ERROR_CODES.notAuthorized)
		return scopeGuidance(context);
	if (asRecord(failure.body)?.code === ZOHO_ERROR_CODES.invalidUrl) {
		return `Zoho does not know this address (${host}). Check the credential's Region, or its API URL if it is Custom: it must end in /invoice/v3.`;
	}
	if (isDailyQuota(failure)) return DAILY_QUOTA_GUIDANCE;
	if (rateLimitOf(failure)) {
		return context.waitsOutRateLimits === false
			? 'Zoho allows each organization 100 API calls a minute and 10 at a time (5 on the Free plan). Turn on Request Options → Wait Out Rate Limits (the default) and the node paces itself and waits when Zoho says to.'
			: 'Zoho allows each organization 100 API calls a minute and 10 at a time (5 on the Free plan). The node paces itself, but other integrations or n8n processes share the same limits: run again later.';
	}
	switch (failure.status) {
		case 400:
			return 'Zoho refused the request as invalid: check the fields the message names.';
		case 401:
			return `Zoho did not accept the access token, though n8n had just asked for a new one. Check that the credential's Region is the data centre of your Zoho account (this request went to ${host}). If it is, the token itself is refused. ${howToGrant(context.credentialType)}`;
		case 403:
			return "Zoho does not let this token act on that organization. Check the credential's Organization ID (Zoho Invoice → Settings → Organization Profile), and that the Zoho user who granted the token belongs to that organization with the scopes for this operation.";
		case 404:
			return `Zoho has no such ${noun} in this organization. Check the ${noun.charAt(0).toUpperCase()}${noun.slice(1)} field: the ${noun} may have been deleted, or the ID belongs to another organization.`;
		case 405:
			return 'Zoho does not allow this operation here.';
		default:
			if (failure.status !== undefined && failure.status >= 500) {
				return "Zoho had a problem with the request. Try again later, or turn on Retry On Fail in the node's Settings.";
			}
			return '';
	}
}

function networkMessage(
	failure: ZohoFailure,
	host: string,
): { message: string; description: string } {
	const description =
		"Check that the credential's Region (or its custom API URL) is right and that n8n can reach the internet, then try again. Retry On Fail in the node's Settings rides out short outages.";
	switch (failure.networkCode) {
		case 'ECONNREFUSED':
			return { message: `Could not connect to ${host}: the connection was refused`, description };
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return { message: `Could not find the host ${host}`, description };
		case 'ECONNABORTED':
		case 'ETIMEDOUT':
		case 'ESOCKETTIMEDOUT':
			return { message: `${host} did not answer in time`, description };
		case 'ECONNRESET':
		case 'EPIPE':
			return { message: `The connection to ${host} was dropped before Zoho answered`, description };
		default:
			return {
				message: `The request to ${host} failed${failure.reason ? `: ${failure.reason}` : ''}`,
				description,
			};
	}
}

/**
 * A short, quoted look at an answer that was not what Zoho sends, for the message. Numbers as
 * JavaScript writes them: JSON would call NaN and Infinity "null".
 */
export function preview(value: unknown, length = 120): string {
	const text =
		typeof value === 'string' || typeof value === 'number'
			? String(value)
			: (JSON.stringify(value) ?? String(value));
	return text.length > length ? `${text.slice(0, length)}…` : text;
}

/** A value given where another type was expected, for "got …": strings quoted, numbers as JavaScript writes them. */
export function quoted(value: unknown, length = 40): string {
	return typeof value === 'number'
		? String(value)
		: preview(JSON.stringify(value) ?? String(value), length);
}

function messageAndDescription(
	failure: ZohoFailure,
	context: FailureContext,
): { message: string; description: string } {
	if (failure.status === undefined && failure.networkCode === undefined && failure.message) {
		return { message: failure.message, description: failure.description ?? '' };
	}
	if (failure.status === undefined) return networkMessage(failure, context.host);
	const body = asRecord(failure.body);
	if (!body) {
		// A proxy's or an outage page, or a body cut short: never JSON from Zoho itself.
		return {
			message: `${context.host} answered HTTP ${failure.status} with something other than Zoho's JSON`,
			description:
				`${guidance(failure, context)} If this keeps happening, check the credential's Region or custom API URL: the answer did not come from the Zoho Invoice API.`.trim(),
		};
	}
	const zohoCode = typeof body.code === 'number' ? body.code : undefined;
	const message = isDailyQuota(failure)
		? DAILY_QUOTA_MESSAGE
		: typeof body.message === 'string'
			? body.message
			: `Zoho answered HTTP ${failure.status}`;
	const codeText = zohoCode !== undefined ? ` (Zoho error code ${zohoCode})` : '';
	return { message, description: `${guidance(failure, context)}${codeText}`.trim() };
}

/** What Zoho last said, for a message about its refusals: its words and code, or its status. */
function zohoSaid(failure: ZohoFailure): string {
	const body = asRecord(failure.body);
	const code = typeof body?.code === 'number' ? ` (Zoho error code ${body.code})` : '';
	if (typeof body?.message === 'string')
		return `Zoho last said: "${preview(body.message)}"${code}.`;
	return failure.status !== undefined ? `Zoho last answered HTTP ${failure.status}${code}.` : '';
}

/** Why the governor gave up, in words: what happened and what to do. */
function gaveUpMessage(
	error: RateLimitWaitExceeded,
	context: FailureContext,
): { message: string; description: string } {
	const { failure, gaveUp } = error;
	const limits = guidance(failure, context) || guidance({ status: 429 }, context);
	switch (gaveUp.reason) {
		case 'refusing':
			return {
				message: `Zoho has refused every call of this organization for ${duration(gaveUp.refusedForMs)}`,
				description: `${zohoSaid(failure)} ${limits} So that no run waits without end, the node stopped sending this organization's calls: they fail at once, and the first call after ${duration(gaveUp.nextProbeInMs)} asks Zoho again.`,
			};
		case 'retryAfter':
			return {
				message: `Zoho asked to wait ${duration(gaveUp.retryAfterMs)} before the next call, longer than the node waits (${duration(gaveUp.maxWaitMs)})`,
				description: `${zohoSaid(failure)} ${limits} Every waiting call of this organization failed at once, unsent.`,
			};
		case 'dailyQuota': {
			const { quota } = gaveUp;
			const said = quota
				? ` Zoho's X-Rate-Limit-Remaining said ${quota.remaining} of ${quota.limit.toLocaleString('en-US')} calls are left today${quota.resetsInSeconds ? `; it resets in about ${duration(quota.resetsInSeconds * 1000)}` : ''}.`
				: '';
			const code = asRecord(failure.body)?.code;
			return {
				message: DAILY_QUOTA_MESSAGE,
				description: `${DAILY_QUOTA_GUIDANCE}${said}${typeof code === 'number' ? ` (Zoho error code ${code})` : ''}`,
			};
		}
		case 'refusedTooOften':
			return {
				message: `Zoho still answered "too many requests" after ${gaveUp.refusals} tries of this request`,
				description: `${zohoSaid(failure)} ${limits}`,
			};
	}
}

/** A failed request (what n8n's HTTP layer or the rate governor threw) as a NodeApiError. */
export function requestFailedError(
	node: INode,
	error: unknown,
	context: FailureContext,
): NodeApiError {
	if (error instanceof RateLimitWaitExceeded) {
		return zohoApiError(node, error.failure, context, gaveUpMessage(error, context));
	}
	return zohoApiError(node, readHttpFailure(error), context);
}

/** A Zoho failure as a NodeApiError that says what happened and what to do. */
function zohoApiError(
	node: INode,
	failure: ZohoFailure,
	context: FailureContext,
	explained = messageAndDescription(failure, context),
): NodeApiError {
	const { message, description } = explained;
	const zohoCode = asRecord(failure.body)?.code;
	// Built from plain values, never from the HTTP error: that one carries the request's headers, token included.
	return new NodeApiError(
		node,
		{
			message,
			code: typeof zohoCode === 'number' ? zohoCode : null,
			httpStatus: failure.status ?? null,
		} as JsonObject,
		{
			message,
			description,
			httpCode: failure.status !== undefined ? String(failure.status) : null,
			itemIndex: context.itemIndex,
		} as ConstructorParameters<typeof NodeApiError>[2],
	);
}

/** Zoho's envelope: success is a JSON object whose `code` is 0, and nothing else. */
export function isZohoSuccess(body: unknown): body is Record<string, unknown> {
	return asRecord(body)?.code === 0;
}

/**
 * An answer with a 2xx status that is not Zoho's success: Zoho's own error
 * envelope, or something that is not Zoho's JSON at all (a proxy's page, a
 * body without `code`, a success without the record asked for).
 */
export function unexpectedAnswerError(
	node: INode,
	body: unknown,
	context: FailureContext,
	missing?: string,
): NodeApiError {
	const record = asRecord(body);
	if (record && typeof record.code === 'number' && record.code !== 0) {
		return zohoApiError(node, { status: 200, body: record }, context);
	}
	const message = missing
		? `Zoho's answer has no ${missing}`
		: record
			? "Zoho's answer has no success code"
			: `${context.host} answered with something other than Zoho's JSON`;
	return zohoApiError(
		node,
		{
			message,
			description: `What came back: ${preview(body)}. Nothing was done with it. Check the credential's Region or custom API URL: the answer may not come from the Zoho Invoice API.`,
		},
		context,
	);
}
