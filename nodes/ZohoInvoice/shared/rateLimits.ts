import { sleep } from 'n8n-workflow';

import { RateLimitWaitExceeded, readHttpFailure, rateLimitOf } from './errors';
import type { RateLimitKind, ZohoFailure } from './errors';
import { ZOHO_LIMITS } from './zoho';

/**
 * Zoho limits each organization to a number of simultaneous calls, 100 calls
 * per rolling minute and a daily quota, and n8n starts every item of a
 * declarative node at once: 1,000 items would be 1,000 simultaneous calls.
 * One governor per organization, for the whole n8n process (every node and
 * execution), keeps the calls within the limits and waits out a 429 when Zoho
 * still sends one (another integration or n8n process shares the limits).
 */
export interface RateLimitSettings {
	/** Calls one organization may start per window (Zoho: 100 a minute). */
	callsPerWindow: number;
	windowMs: number;
	/** The longest one request waits out 429s before it gives up. */
	maxWaitMs: number;
	/** How long a daily-quota answer stops the organization's requests without asking Zoho again. */
	dailyQuotaPauseMs: number;
	/** When a 429 says nothing of when to come back: the first pause, doubled with each refusal. */
	firstPauseMs: number;
}

const ZOHO_SETTINGS: RateLimitSettings = {
	callsPerWindow: ZOHO_LIMITS.callsPerWindow,
	windowMs: ZOHO_LIMITS.windowMs,
	maxWaitMs: 5 * ZOHO_LIMITS.windowMs,
	dailyQuotaPauseMs: 5 * 60_000,
	firstPauseMs: 1_000,
};

let settings: RateLimitSettings = { ...ZOHO_SETTINGS };

/** Zoho's numbers in production; tests and benchmarks compress the window so a "minute" takes a second. */
export function configureRateLimits(overrides: Partial<RateLimitSettings> = {}): void {
	settings = { ...ZOHO_SETTINGS, ...overrides };
	governors.clear();
}

interface Waiter {
	resolve: () => void;
	reject: (error: unknown) => void;
}

class OrganizationGovernor {
	simultaneousCalls: number;

	private inFlight = 0;

	/** When each call of the current window finished: a call counts until it has surely reached Zoho. */
	private readonly finishedAt: number[] = [];

	private readonly waiting: Waiter[] = [];

	private pausedUntil = 0;

	private dailyQuota?: { failure: unknown; until: number };

	private wakeUpAt = 0;

	constructor(simultaneousCalls: number) {
		this.simultaneousCalls = simultaneousCalls;
	}

	get idle(): boolean {
		this.forgetOldCalls(Date.now());
		return (
			this.inFlight === 0 &&
			this.waiting.length === 0 &&
			this.finishedAt.length === 0 &&
			!this.dailyQuota
		);
	}

	/** Wait for a slot: first come, first served; a cancelled execution stops waiting at once. */
	async acquire(signal?: AbortSignal): Promise<void> {
		this.throwIfQuotaUsedUp();
		signal?.throwIfAborted();
		if (this.waiting.length === 0 && this.canStart(Date.now())) {
			this.inFlight += 1;
			return;
		}
		await new Promise<void>((resolve, reject) => {
			const waiter: Waiter = {
				resolve: () => {
					signal?.removeEventListener('abort', cancel);
					resolve();
				},
				reject,
			};
			const cancel = () => {
				this.waiting.splice(this.waiting.indexOf(waiter), 1);
				reject(signal?.reason);
			};
			signal?.addEventListener('abort', cancel, { once: true });
			this.waiting.push(waiter);
			this.startWaiting();
		});
	}

	/** A call is over; `sent`: it may have reached Zoho, so it counts in the window. */
	release(sent: boolean): void {
		this.inFlight -= 1;
		if (sent) this.finishedAt.push(Date.now());
		this.startWaiting();
	}

	/** Zoho said "not now": nobody of this organization starts a call until the pause is over. */
	pause(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
	}

	/**
	 * How long to pause when Zoho's 429 says nothing of when to come back:
	 * short at first, doubling with each refusal, never longer than until this
	 * process's own calls have left Zoho's window. Other integrations' calls
	 * are in that window too, and the node cannot see them.
	 */
	backOff(refusals: number): number {
		const now = Date.now();
		this.forgetOldCalls(now);
		const windowFrees = (this.finishedAt[0] ?? now) + settings.windowMs - now;
		return Math.max(
			Math.min(settings.firstPauseMs * 2 ** refusals, windowFrees),
			settings.firstPauseMs,
		);
	}

	/** Zoho's daily quota is used up: every waiting and later call fails with the same answer, unsent. */
	dailyQuotaUsedUp(failure: unknown): void {
		this.dailyQuota = { failure, until: Date.now() + settings.dailyQuotaPauseMs };
		for (const waiter of this.waiting.splice(0)) waiter.reject(failure);
	}

	/** Throws Zoho's daily-quota answer while it holds, without asking Zoho again. */
	throwIfQuotaUsedUp(): void {
		if (!this.dailyQuota) return;
		if (Date.now() < this.dailyQuota.until) throw this.dailyQuota.failure;
		this.dailyQuota = undefined;
	}

	private forgetOldCalls(now: number): void {
		while (this.finishedAt.length && now - this.finishedAt[0] >= settings.windowMs)
			this.finishedAt.shift();
	}

	private canStart(now: number): boolean {
		this.forgetOldCalls(now);
		return (
			now >= this.pausedUntil &&
			this.inFlight < this.simultaneousCalls &&
			this.inFlight + this.finishedAt.length < settings.callsPerWindow
		);
	}

	/** Let waiting calls start while the limits allow; if time must pass first, come back then. */
	private startWaiting(): void {
		const now = Date.now();
		while (this.waiting.length && this.canStart(now)) {
			this.inFlight += 1;
			this.waiting.shift()!.resolve();
		}
		if (!this.waiting.length || this.inFlight >= this.simultaneousCalls) return;
		// Blocked by the window or a pause, not by calls in flight: no release will come to wake us.
		const windowFull = this.inFlight + this.finishedAt.length >= settings.callsPerWindow;
		const wakeAt = Math.max(
			this.pausedUntil,
			windowFull && this.finishedAt.length ? this.finishedAt[0] + settings.windowMs : now,
		);
		if (this.wakeUpAt !== 0 && this.wakeUpAt <= wakeAt) return;
		this.wakeUpAt = wakeAt;
		void sleep(Math.max(wakeAt - now, 1)).then(() => {
			// A timer may fire a millisecond early: whoever wakes re-checks, and schedules anew if need be.
			if (this.wakeUpAt === wakeAt) this.wakeUpAt = 0;
			this.startWaiting();
		});
	}
}

/** Bounded: idle governors are dropped once there are many organizations. */
const governors = new Map<string, OrganizationGovernor>();
const GOVERNORS_KEPT = 100;

function governorFor(organization: string, simultaneousCalls: number): OrganizationGovernor {
	let governor = governors.get(organization);
	if (!governor) {
		if (governors.size >= GOVERNORS_KEPT) {
			for (const [key, candidate] of governors) if (candidate.idle) governors.delete(key);
		}
		governor = new OrganizationGovernor(simultaneousCalls);
		governors.set(organization, governor);
	}
	// The credential's plan decides; the last one seen wins.
	governor.simultaneousCalls = simultaneousCalls;
	return governor;
}

/**
 * Seconds or an HTTP date in Retry-After, or seconds in X-Rate-Limit-Reset
 * (reported by Zoho Books). A hint of no time at all, or one that cannot be
 * read, is no hint: trusting it would retry at once, forever.
 */
function retryAfterMs(failure: ZohoFailure): number | undefined {
	const headers = Object.fromEntries(
		Object.entries(failure.headers ?? {}).map(([name, value]) => [
			name.toLowerCase(),
			String(value).trim(),
		]),
	);
	const hints: number[] = [];
	const retryAfter = headers['retry-after'];
	if (retryAfter !== undefined) {
		if (/^\d+(\.\d+)?$/.test(retryAfter)) hints.push(Number(retryAfter) * 1000);
		else if (/GMT$/.test(retryAfter) && !Number.isNaN(Date.parse(retryAfter)))
			hints.push(Date.parse(retryAfter) - Date.now());
	}
	const reset = headers['x-rate-limit-reset'];
	if (reset !== undefined && /^\d+$/.test(reset)) {
		// Either seconds from now or a Unix time in seconds; Zoho Books is reported to send the former.
		const seconds = Number(reset);
		hints.push(seconds > 1e9 ? seconds * 1000 - Date.now() : seconds * 1000);
	}
	return hints.find((ms) => ms > 0);
}

export interface RateLimitOptions {
	/** The organization: API base URL and organization id. */
	organization: string;
	simultaneousCalls: number;
	/** Pace the calls and wait out 429s; off, a 429 fails at once (the daily quota is still remembered). */
	waitOut: boolean;
	/** The execution's cancel signal: a stopped run gives its waiting places up. */
	signal?: AbortSignal;
}

/** However short Zoho's pauses, one request is refused this many times at most. */
const MAX_REFUSALS = 20;

type Attempt<T> = { value: T } | { failed: unknown; failure: ZohoFailure; limit?: RateLimitKind };

async function attempt<T>(
	governor: OrganizationGovernor,
	options: RateLimitOptions,
	send: () => Promise<T>,
): Promise<Attempt<T>> {
	const paced = options.waitOut;
	if (paced) await governor.acquire(options.signal);
	else governor.throwIfQuotaUsedUp();
	if (options.signal?.aborted) {
		// Cancelled while it waited for its place: never sent, so it takes no place in Zoho's window.
		if (paced) governor.release(false);
		throw options.signal.reason;
	}
	try {
		return { value: await send() };
	} catch (failed) {
		const failure = readHttpFailure(failed);
		const limit = rateLimitOf(failure);
		// Before the slot is released: once the quota is known to be used up, no waiting call may start.
		if (limit === 'daily') governor.dailyQuotaUsedUp(failed);
		return { failed, failure, limit };
	} finally {
		if (paced) governor.release(true);
	}
}

/** Send one request within the organization's limits, waiting out Zoho's 429s for a bounded time. */
export async function withinRateLimits<T>(
	options: RateLimitOptions,
	send: () => Promise<T>,
): Promise<T> {
	const governor = governorFor(options.organization, options.simultaneousCalls);
	let waitedMs = 0;
	for (let refusals = 0; ; refusals++) {
		const outcome = await attempt(governor, options, send);
		if ('value' in outcome) return outcome.value;
		const { failed, failure, limit } = outcome;
		if (!limit || limit === 'daily' || !options.waitOut) throw failed;
		const pauseMs = retryAfterMs(failure) ?? governor.backOff(refusals);
		if (waitedMs + pauseMs > settings.maxWaitMs || refusals >= MAX_REFUSALS) {
			throw new RateLimitWaitExceeded(failure, waitedMs);
		}
		governor.pause(pauseMs);
		waitedMs += pauseMs;
	}
}
