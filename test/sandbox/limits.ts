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
}

export interface LimitStats {
	peakSimultaneous: number;
	refused: { simultaneous: number; perWindow: number; daily: number };
}

export class LimitKeeper {
	readonly stats: LimitStats = {
		peakSimultaneous: 0,
		refused: { simultaneous: 0, perWindow: 0, daily: 0 },
	};

	private inProgress = 0;

	private readonly accepted: number[] = [];

	private acceptedToday = 0;

	constructor(private readonly limits: ApiLimits) {}

	/** Admit one call, or say which limit refuses it. Call `finished` when an admitted call has been answered. */
	admit(): { refusal?: ZohoError; finished: () => void } {
		const now = Date.now();
		const windowMs = this.limits.windowMs ?? 60_000;
		while (this.accepted.length && now - this.accepted[0] >= windowMs) this.accepted.shift();
		const refuse = (kind: keyof LimitStats['refused'], refusal: ZohoError) => {
			this.stats.refused[kind] += 1;
			return { refusal, finished: () => undefined };
		};
		if (this.acceptedToday >= (this.limits.daily ?? Infinity))
			return refuse('daily', ZOHO_ERRORS.dailyLimit);
		if (this.accepted.length >= (this.limits.perWindow ?? 100))
			return refuse('perWindow', ZOHO_ERRORS.perMinuteLimit);
		if (this.inProgress >= (this.limits.simultaneous ?? 10))
			return refuse('simultaneous', ZOHO_ERRORS.simultaneousLimit);
		this.accepted.push(now);
		this.acceptedToday += 1;
		this.inProgress += 1;
		this.stats.peakSimultaneous = Math.max(this.stats.peakSimultaneous, this.inProgress);
		let done = false;
		return {
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
}
