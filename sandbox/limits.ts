import { ZOHO_ERRORS } from './zohoAnswers';
import type { ZohoError } from './zohoAnswers';

/**
 * Zoho's per-organization limits: simultaneous calls, calls per rolling
 * window, and a daily quota (documented for Zoho Books and Inventory). The
 * window is a setting so tests and benchmarks can run a "minute" in a second.
 * Only calls Zoho accepts are counted (the sandbox's choice: Zoho does not say).
 */
export interface ApiLimits {
	/** Calls in progress at once (Zoho: 10 on paid plans, 5 on Free). */
	simultaneous?: number;
	/** Calls per rolling window (Zoho: 100 a minute). */
	perWindow?: number;
	windowMs?: number;
	/** Calls per day (Zoho: 1,000 on Free, more on paid plans); none by default. */
	daily?: number;
	/**
	 * Send `X-Rate-Limit-Limit`, `-Remaining` and `-Reset` on every answer past the token check,
	 * as Zoho Books is reported to: the daily quota, what is left of it, and the seconds until it
	 * resets (reported: 7500, 6775, 34881). Needs `daily`.
	 */
	rateLimitHeaders?: boolean;
	/** Send `Retry-After: <seconds>` with every refusal (Zoho may or may not). */
	retryAfterSeconds?: number;
	/** Refuse every call with the per-minute answer, as a Zoho whose limits someone else uses up. */
	refuseAll?: boolean;
}

export interface LimitStats {
	peakSimultaneous: number;
	refused: { simultaneous: number; perWindow: number; daily: number };
}

export interface Admission {
	refusal?: ZohoError;
	/** What the answer carries besides its body: Retry-After, X-Rate-Limit-*. */
	headers: Record<string, string>;
	finished: () => void;
}

const DAY_MS = 24 * 60 * 60_000;

export class LimitKeeper {
	readonly stats: LimitStats = {
		peakSimultaneous: 0,
		refused: { simultaneous: 0, perWindow: 0, daily: 0 },
	};

	private inProgress = 0;

	private readonly accepted: number[] = [];

	private acceptedToday = 0;

	/** The sandbox's day ends at midnight UTC, as a day of calls does at Zoho. */
	private dayEndsAt = 0;

	constructor(private readonly limits: ApiLimits) {}

	/** Admit one call, or say which limit refuses it. Call `finished` when an admitted call has been answered. */
	admit(): Admission {
		const now = Date.now();
		if (now >= this.dayEndsAt) {
			this.dayEndsAt = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
			this.acceptedToday = 0;
		}
		const windowMs = this.limits.windowMs ?? 60_000;
		while (this.accepted.length && now - this.accepted[0] >= windowMs) this.accepted.shift();
		const refuse = (kind: keyof LimitStats['refused'], refusal: ZohoError): Admission => {
			this.stats.refused[kind] += 1;
			const headers = this.quotaHeaders(now);
			if (this.limits.retryAfterSeconds !== undefined)
				headers['Retry-After'] = String(this.limits.retryAfterSeconds);
			return { refusal, headers, finished: () => undefined };
		};
		if (this.acceptedToday >= (this.limits.daily ?? Infinity))
			return refuse('daily', ZOHO_ERRORS.dailyLimit);
		if (this.limits.refuseAll || this.accepted.length >= (this.limits.perWindow ?? 100))
			return refuse('perWindow', ZOHO_ERRORS.perMinuteLimit);
		if (this.inProgress >= (this.limits.simultaneous ?? 10))
			return refuse('simultaneous', ZOHO_ERRORS.simultaneousLimit);
		this.accepted.push(now);
		this.acceptedToday += 1;
		this.inProgress += 1;
		this.stats.peakSimultaneous = Math.max(this.stats.peakSimultaneous, this.inProgress);
		let done = false;
		return {
			headers: this.quotaHeaders(now),
			finished: () => {
				if (!done) this.inProgress -= 1;
				done = true;
			},
		};
	}

	refusals(): number {
		const { simultaneous, perWindow, daily } = this.stats.refused;
		return simultaneous + perWindow + daily;
	}

	private quotaHeaders(now: number): Record<string, string> {
		if (!this.limits.rateLimitHeaders || this.limits.daily === undefined) return {};
		return {
			'X-Rate-Limit-Limit': String(this.limits.daily),
			'X-Rate-Limit-Remaining': String(Math.max(this.limits.daily - this.acceptedToday, 0)),
			'X-Rate-Limit-Reset': String(Math.ceil((this.dayEndsAt - now) / 1000)),
		};
	}
}
